"""FedWatt's convolutional models in the Python client: the job's model JSON, the parameter counts,
the analytic FLOPs (docs/ARCHITECTURE.md, "FLOP counting") and the map to PyTorch's layout
(docs/PROTOCOL.md, "Parameter layout"). tests/test_integration.py checks the initial parameters and
the FLOPs against a Swift coordinator and client."""

import json

import numpy as np
import pytest

import fedwatt_client
from fedwatt_client.flops import backward_flops_per_sample, forward_flops_per_sample, training_flops
from fedwatt_client.layers import Convolution, Dense
from fedwatt_client.model_architecture import ModelArchitecture
from fedwatt_client.torch_layout import from_torch_layout, to_torch_layout

IMAGE = {"channels": 1, "height": 28, "width": 28}


def conv(kernel, filters, padding="same"):
    return {"convolution": {"filters": filters, "kernel": kernel, "padding": padding}}


def dense(outputs):
    return {"dense": {"outputs": outputs}}


RELU, POOL, FLATTEN = {"relu": {}}, {"maxPool": {}}, {"flatten": {}}
#: The job's ``model`` for ``--model cnn`` and ``--model lenet5`` on Fashion-MNIST (docs/PROTOCOL.md, "The model").
CNN = {"inputShape": IMAGE, "layers": [conv(5, 32), RELU, POOL, conv(5, 64), RELU, POOL, FLATTEN, dense(512), RELU, dense(10)]}
LENET5 = {"inputShape": IMAGE, "layers": [conv(5, 6), RELU, POOL, conv(5, 16, "valid"), RELU, POOL, FLATTEN,
                                          dense(120), RELU, dense(84), RELU, dense(10)]}


def test_parameter_counts_of_the_fedavg_cnn_and_lenet5():
    assert ModelArchitecture.from_json(CNN).parameter_count == 1_663_370
    assert ModelArchitecture.from_json(LENET5).parameter_count == 61_706
    assert str(ModelArchitecture.from_json(LENET5).shapes[5]) == "5x5x16"


def test_a_job_carries_its_architecture_and_a_layer_sizes_job_is_the_same_dense_network():
    job = fedwatt_client.Job.from_json(json.dumps({
        "clientCount": 2, "dataset": "fashion-mnist", "localEpochs": 1, "partition": "iid", "seed": 1, "model": LENET5,
        "sgd": {"batchSize": 32, "learningRate": 0.1}}))
    assert job.parameter_count == 61_706 and job.layer_sizes is None
    dense_form = ModelArchitecture.from_layer_sizes([784, 128, 10])
    layers_form = ModelArchitecture.from_json({"inputShape": {"channels": 784, "height": 1, "width": 1},
                                               "layers": [dense(128), RELU, dense(10)]})
    assert dense_form.layers == layers_form.layers and dense_form.parameter_count == 101_770


@pytest.mark.parametrize("model, message", [
    ({"inputShape": IMAGE, "layers": [conv(4, 8), FLATTEN, dense(10)]}, "same padding needs an odd kernel"),
    ({"inputShape": IMAGE, "layers": [conv(5, 8), dense(10)]}, "layer 2 of 2: dense10 cannot take 28x28x8 samples"),
    ({"inputShape": IMAGE, "layers": [conv(5, 8), FLATTEN]}, "last layer must be dense"),
    ({"inputShape": IMAGE, "layers": [{"pool": {}}, dense(10)]}, "unknown layer 'pool'"),
    ({"inputShape": IMAGE, "layers": [conv(5, 0), FLATTEN, dense(10)]}, "positive integer filters"),
    ({"inputShape": {"channels": 1, "height": 3, "width": 3}, "layers": [conv(5, 8, "valid"), FLATTEN, dense(10)]},
     "the kernel is larger than the input"),
    ({"layers": []}, "layerSizes, or inputShape and layers"),
])
def test_a_model_that_does_not_fit_is_refused_naming_why(model, message):
    with pytest.raises(ValueError, match=message):
        ModelArchitecture.from_json(model)


def test_per_sample_flops_are_docs_architecture_table():
    # docs/ARCHITECTURE.md, "FLOP counting": forward and backward FLOPs a sample.
    for model, forward, backward in [([784, 128, 10], 203_560, 206_100), (CNN, 24_650_856, 48_071_316),
                                     (LENET5, 850_824, 1_458_916)]:
        assert (forward_flops_per_sample(model), backward_flops_per_sample(model)) == (forward, backward)


def test_flops_of_a_small_network_follow_the_formulas_layer_by_layer():
    # 6x6x2 input, conv 3x3x4 valid (4x4x4: P = 16, K = 18, f = 4), ReLU, max-pool (2x2x4), flatten, dense 3.
    model = {"inputShape": {"channels": 2, "height": 6, "width": 6},
             "layers": [conv(3, 4, "valid"), RELU, POOL, FLATTEN, dense(3)]}
    P, K, f, pooled, C = 16, 18, 4, 16, 3
    forward = (2 * P * K * f + P * f) + P * f + 3 * pooled + (2 * pooled * C + C) + 3 * C
    # The first layer with parameters passes no gradient back: no input gradient, and no ReLU mask before it.
    backward = C + (2 * pooled * C + C + 2 * pooled * C) + P * f + (2 * P * K * f + P * f)
    assert forward_flops_per_sample(model) == forward and backward_flops_per_sample(model) == backward
    parameters = 3 * 3 * 2 * 4 + 4 + pooled * C + C
    # 10 samples in 3 steps of plain SGD (2 a parameter), then with momentum and weight decay (6).
    assert training_flops(model, 10, 3, {}) == 10 * (forward + backward) + 3 * 2 * parameters
    assert training_flops(model, 10, 3, {"momentum": 0.9, "weightDecay": 1e-4}) == 10 * (forward + backward) + 3 * 6 * parameters


def test_torch_layout_puts_each_weight_where_docs_protocol_says():
    # 4x3x2 input, conv 3x3x5 same, flatten, dense 7: the conv weight (r, s, ch, q) and the dense weight
    # of input (y, x, ch) and output n, each read at its documented flat index.
    model = ModelArchitecture.from_json({"inputShape": {"channels": 2, "height": 4, "width": 3},
                                         "layers": [conv(3, 5), FLATTEN, dense(7)]})
    flat = np.arange(model.parameter_count, dtype=np.float32)
    conv_weight, conv_bias, dense_weight, dense_bias = to_torch_layout(model, flat)
    assert conv_weight.shape == (5, 2, 3, 3) and dense_weight.shape == (7, 5 * 4 * 3)
    k, c, f = 3, 2, 5
    for r, s, ch, q in [(0, 0, 0, 0), (2, 1, 1, 3), (1, 2, 0, 4)]:
        assert conv_weight[q, ch, r, s] == flat[((r * k + s) * c + ch) * f + q]
    np.testing.assert_array_equal(conv_bias, flat[90:95])
    h, w, channels, n = 4, 3, 5, 7
    start = 95
    for y, x, ch, out in [(0, 0, 0, 0), (3, 2, 4, 6), (1, 0, 2, 3)]:
        # PyTorch flattens (channel, row, column); FedWatt (row, column, channel).
        assert dense_weight[out, (ch * h + y) * w + x] == flat[start + ((y * w + x) * channels + ch) * n + out]
    np.testing.assert_array_equal(dense_bias, flat[-7:])
    np.testing.assert_array_equal(from_torch_layout(model, [conv_weight, conv_bias, dense_weight, dense_bias]), flat)


def test_torch_layout_of_a_dense_network_is_the_transposed_matrices_and_round_trips_lenet5():
    flat = np.arange(4 * 3 + 3, dtype=np.float32)
    weight, bias = to_torch_layout([4, 3], flat)
    np.testing.assert_array_equal(weight, flat[:12].reshape(4, 3).T)
    np.testing.assert_array_equal(bias, flat[12:])
    lenet5 = ModelArchitecture.from_json(LENET5)
    parameters = fedwatt_client.initial_parameters(lenet5, 3)
    arrays = to_torch_layout(lenet5, parameters)
    assert [a.shape for a in arrays[:6]] == [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,)]
    assert np.array_equal(from_torch_layout(lenet5, arrays).view(np.uint32), parameters.view(np.uint32))
    with pytest.raises(ValueError, match=r"tensors of \[12, 3\] values given; the model 28x28x1 conv5x5x6-same .* \[150, 6, 2400, 16"):
        from_torch_layout(lenet5, [np.zeros(12), np.zeros(3)])


def test_initial_parameters_use_he_and_glorot_limits_by_convolution_fans():
    model = ModelArchitecture.from_json(LENET5)
    parameters = fedwatt_client.initial_parameters(model, 7)
    assert parameters.dtype == np.float32 and parameters.size == 61_706
    for index, layer in enumerate(model.layers):
        if not isinstance(layer, (Convolution, Dense)):
            continue
        start, biases = model.offsets(index)
        fan_in, fan_out = layer.fans(model.input_shape_of(index))
        last = index == len(model.layers) - 1
        limit = np.sqrt(6 / (fan_in + fan_out)) if last else np.sqrt(6 / fan_in)
        weights = parameters[start:biases]
        # Uniform in ±limit: inside it, and reaching most of the way to both ends.
        assert np.abs(weights).max() <= limit and weights.max() > 0.9 * limit and weights.min() < -0.9 * limit
        assert not parameters[biases:biases + layer.bias_count].any()
