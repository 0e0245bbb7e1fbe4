import FedData
import Foundation
import Testing

/// Builds a `.npy` byte image: magic, version, header length (2 bytes for 1.x, 4 otherwise), the
/// header text padded with spaces to a multiple of 64 and ended with a newline, then `data`.
func npyBytes(header: String, data: [UInt8], major: UInt8 = 1) -> Data {
    let lengthSize = major == 1 ? 2 : 4
    var text = Array(header.utf8)
    while (10 + lengthSize - 2 + text.count + 1) % 64 != 0 { text.append(0x20) }
    text.append(0x0A)
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    for index in 0..<lengthSize { bytes.append(UInt8(text.count >> (8 * index) & 0xFF)) }
    return Data(bytes + text + data)
}

/// The little-endian bytes of `values` as float32 or float64.
func littleEndian(_ values: [Double], width: Int) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        width == 4
            ? withUnsafeBytes(of: Float(value).bitPattern.littleEndian, Array.init)
            : withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
}

@Suite struct NPYFileTests {
    let values: [Double] = [0.5, -1.25, 3, 0, 1e-3, -7.5]

    func parse(_ bytes: Data, maximumValueCount: Int = NPYFile.maximumValueCount) throws -> [Float] {
        try NPYFile.parse(bytes, source: "x.npy", maximumValueCount: maximumValueCount)
    }

    func refusal(_ problem: NPYError.Problem) -> NPYError { NPYError(file: "x.npy", problem: problem) }

    @Test func readsWhatNumPyWrites() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/npy")
        // np.save of (np.arange(12).reshape(3, 4) - 5.5) / 4, as float32 and as float64 (NumPy 1.24).
        let expected = (0..<12).map { (Float($0) - 5.5) / 4 }
        #expect(try NPYFile.read(path: fixtures.appendingPathComponent("numpy-3x4-float32.npy").path) == expected)
        #expect(try NPYFile.read(path: fixtures.appendingPathComponent("numpy-3x4-float64.npy").path) == expected)
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func readsFloat32OfAnyShapeInEachFormatVersion(major: UInt8) throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        #expect(try parse(npyBytes(header: header, data: littleEndian(values, width: 4), major: major)) == values.map(Float.init))
    }

    @Test func roundsFloat64ToFloat32() throws {
        let values = [0.1, 1.0 / 3, -2e-9, 123456.789]
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
        #expect(try parse(npyBytes(header: header, data: littleEndian(values, width: 8))) == values.map(Float.init))
    }

    @Test func readsAScalarAndKeysInAnyOrderWithDoubleQuotes() throws {
        let header = #"{"shape": (), "fortran_order": False, "descr": "<f4"}"#
        #expect(try parse(npyBytes(header: header, data: littleEndian([2.5], width: 4))) == [2.5])
    }

    @Test(arguments: [
        ("'|O'", "object"), ("'>f4'", "big-endian"), ("'<i4'", "not float32"), ("'<f2'", "not float32"),
    ])
    func refusesOtherTypesNamingThem(descr: String, why: String) throws {
        let header = "{'descr': \(descr), 'fortran_order': False, 'shape': (6,), }"
        let error = try #require(throws: NPYError.self) { try parse(npyBytes(header: header, data: littleEndian(values, width: 4))) }
        #expect(error == refusal(.unsupportedType(String(descr.dropFirst().dropLast()))))
        #expect(error.description.contains(why) && error.description.contains("astype('<f4')"))
    }

    @Test func refusesAStructuredType() {
        let header = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }"
        #expect(throws: refusal(.unsupportedType("a structured dtype"))) { try parse(npyBytes(header: header, data: littleEndian(values, width: 4))) }
    }

    @Test func refusesFortranOrder() {
        let header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"
        #expect(throws: refusal(.fortranOrder)) { try parse(npyBytes(header: header, data: littleEndian(values, width: 4))) }
    }

    @Test func refusesTruncatedAndOverlongData() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        let data = littleEndian(values, width: 4)
        #expect(throws: refusal(.truncatedData(expected: 24, found: 23))) { try parse(npyBytes(header: header, data: Array(data.dropLast()))) }
        #expect(throws: refusal(.trailingBytes(expected: 24, found: 28))) { try parse(npyBytes(header: header, data: data + [0, 0, 0, 0])) }
    }

    /// A shape whose values would not fit is refused from the header, before any allocation: the
    /// file itself holds four bytes of values.
    @Test func refusesAbsurdShapesBeforeAllocating() {
        let huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }"
        #expect(throws: refusal(.tooManyValues(shape: [100000, 100000], maximum: NPYFile.maximumValueCount))) {
            try parse(npyBytes(header: huge, data: [0, 0, 0, 0]))
        }
        let overflowing = "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 4), }"
        #expect(throws: refusal(.tooManyValues(shape: [Int.max, 4], maximum: NPYFile.maximumValueCount))) {
            try parse(npyBytes(header: overflowing, data: [0, 0, 0, 0]))
        }
        let overCap = "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }"
        #expect(throws: refusal(.tooManyValues(shape: [6], maximum: 5))) {
            try parse(npyBytes(header: overCap, data: littleEndian(values, width: 4)), maximumValueCount: 5)
        }
    }

    @Test func refusesBadMagicVersionsAndTruncatedHeaders() {
        let good = npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", data: littleEndian(values, width: 4))
        var magic = good
        magic[1] = 0x50
        #expect(throws: refusal(.badMagic([0x93, 0x50, 0x55, 0x4D, 0x50, 0x59]))) { try parse(magic) }
        var version = good
        version[6] = 4
        #expect(throws: refusal(.unsupportedVersion(major: 4, minor: 0))) { try parse(version) }
        #expect(throws: refusal(.truncatedHeader(byteCount: 40))) { try parse(good.prefix(40)) }
        #expect(throws: refusal(.truncatedHeader(byteCount: 9))) { try parse(good.prefix(9)) }
        // Version 2.0 with a 65,537-byte header: refused from its length, before reading on.
        let long = Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0x01, 0x00, 0x01, 0x00] + Array("{'descr'".utf8))
        #expect(throws: refusal(.headerTooLong(65537))) { try parse(long) }
    }

    @Test(arguments: [
        ("{'descr': '<f4', 'fortran_order': False}", "no 'shape'"),
        ("{'descr': '<f4', 'shape': (6,)}", "no 'fortran_order'"),
        ("{'fortran_order': False, 'shape': (6,)}", "no 'descr'"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} extra", "text after the closing brace"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", "not a non-negative integer"),
        ("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", "unexpected '0'"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': 6}", "unexpected '6'"),
        ("{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}", "expected '}'"),
        ("['descr', '<f4']", "expected '{'"),
    ])
    func refusesMalformedHeadersNamingTheDefect(header: String, defect: String) throws {
        let error = try #require(throws: NPYError.self) { try parse(npyBytes(header: header, data: littleEndian(values, width: 4))) }
        guard case .malformedHeader(let detail) = error.problem else {
            Issue.record("\(error) is not a malformed header")
            return
        }
        #expect(detail.contains(defect), "\(detail)")
    }

    @Test func refusesNonFiniteValuesNamingTheFirst() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
        #expect(throws: refusal(.nonFiniteValue(index: 1, value: .infinity))) {
            try parse(npyBytes(header: header, data: littleEndian([1, .infinity, .nan], width: 4)))
        }
    }

    @Test func aMissingFileIsNamed() throws {
        let error = try #require(throws: NPYError.self) { try NPYFile.read(path: "/nonexistent/initial.npy") }
        #expect(error.file == "/nonexistent/initial.npy")
        #expect(error.description.hasPrefix("/nonexistent/initial.npy cannot be read"))
    }
}
