/// The header of a `.npy` file: the Python dict literal NumPy writes, such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, padded with spaces and ending in
/// a newline. Only that literal's grammar is read: string keys, and string, boolean or
/// integer-tuple values.
struct NPYHeader: Equatable {
    /// The dtype, e.g. `<f4`.
    var descr: String
    /// Whether the values are stored column-major.
    var fortranOrder: Bool
    /// The dimensions, outermost first; empty for a scalar.
    var shape: [Int]

    /// Parses the header text; throws ``NPYError/Problem/malformedHeader(_:)`` naming what is wrong.
    init(_ text: String) throws(NPYError.Problem) {
        var scanner = Scanner(Array(text.unicodeScalars))
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        try scanner.expect("{")
        while !scanner.consume("}") {
            guard case .string(let key) = try scanner.value() else { throw .malformedHeader("a key is not a string") }
            try scanner.expect(":")
            let value = try scanner.value()
            switch (key, value) {
            case ("descr", .string(let text)): descr = text
            case ("descr", _): throw .unsupportedType("a structured dtype")
            case ("fortran_order", .boolean(let flag)): fortranOrder = flag
            case ("shape", .tuple(let dimensions)): shape = dimensions
            case ("fortran_order", _), ("shape", _): throw .malformedHeader("'\(key)' has a value of the wrong kind")
            default: break  // keys NumPy may add later are ignored
            }
            if !scanner.consume(",") {
                try scanner.expect("}")
                break
            }
        }
        guard scanner.atEnd else { throw .malformedHeader("text after the closing brace") }
        guard let descr else { throw .malformedHeader("no 'descr'") }
        guard let fortranOrder else { throw .malformedHeader("no 'fortran_order'") }
        guard let shape else { throw .malformedHeader("no 'shape'") }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// A value of the header's dict.
    private enum Value {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
    }

    /// Reads the literal's tokens, skipping white space.
    private struct Scanner {
        var scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return position == scalars.count
            }
        }

        mutating func skipSpace() {
            while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        }

        /// Consumes `character` if it comes next.
        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            skipSpace()
            guard position < scalars.count, scalars[position] == character else { return false }
            position += 1
            return true
        }

        mutating func expect(_ character: Unicode.Scalar) throws(NPYError.Problem) {
            guard consume(character) else {
                throw .malformedHeader("expected '\(character)' at character \(position)")
            }
        }

        mutating func value() throws(NPYError.Problem) -> Value {
            skipSpace()
            guard position < scalars.count else { throw .malformedHeader("the header ends inside its dict") }
            let first = scalars[position]
            if first == "'" || first == "\"" {
                position += 1
                let begin = position
                while position < scalars.count, scalars[position] != first {
                    guard scalars[position] != "\\" else { throw .malformedHeader("escapes in strings are not read") }
                    position += 1
                }
                guard position < scalars.count else { throw .malformedHeader("an unterminated string") }
                position += 1
                return .string(String(String.UnicodeScalarView(scalars[begin..<(position - 1)])))
            }
            if consume("(") { return .tuple(try integers(closedBy: ")")) }
            for (word, flag) in [("True", true), ("False", false)] where scalars[position...].starts(with: word.unicodeScalars) {
                position += word.unicodeScalars.count
                return .boolean(flag)
            }
            if first == "[" || first == "{" { throw .unsupportedType("a structured dtype") }
            throw .malformedHeader("unexpected '\(first)' at character \(position)")
        }

        /// A tuple's integers after its opening parenthesis: `()`, `(3,)`, `(3, 4)`.
        mutating func integers(closedBy close: Unicode.Scalar) throws(NPYError.Problem) -> [Int] {
            var values: [Int] = []
            while !consume(close) {
                skipSpace()
                let begin = position
                while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
                guard position > begin, let value = Int(String(String.UnicodeScalarView(scalars[begin..<position]))) else {
                    throw .malformedHeader("a shape dimension is not a non-negative integer")
                }
                values.append(value)
                if !consume(",") {
                    try expect(close)
                    break
                }
            }
            return values
        }
    }
}
