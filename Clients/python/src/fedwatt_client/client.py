"""The class a user subclasses to join a FedWatt job with their own training code."""

from typing import Any, Dict, Optional, Tuple

import numpy as np


class Client:
    """One federated client, in the spirit of Flower's ``NumPyClient``.

    Parameters travel as one flat float32 vector in FedWatt's layout (docs/PROTOCOL.md, "Parameter
    layout": layer by layer, each layer's weights, a dense layer's ``inputs x outputs`` and a
    convolution's ``k x k x c x f``, row-major, then its biases); ``job.architecture`` describes a
    FedWatt model and :mod:`fedwatt_client.torch_layout` maps the vector to PyTorch's tensors. :func:`fedwatt_client.run` calls
    :meth:`setup` once per job, :meth:`fit` on every RoundStart, and :meth:`evaluate` (when
    overridden) on each global model received.
    """

    def setup(self, job, client_id) -> None:
        """Called after Welcome, before the client reports ready (Ack 0): load data here.
        :func:`fedwatt_client.load_shard` gives this client's shard of a FedWatt dataset."""

    def fit(self, parameters: np.ndarray, job) -> Tuple[np.ndarray, int, int, Dict[str, Any]]:
        """Trains from the global ``parameters`` for ``job.local_epochs`` epochs at
        ``job.learning_rate`` and returns ``(parameters, examples, flops, metrics)``.

        When ``job.step_limit`` is set (a device-time budget, ``--straggler-policy partial``), it
        stops after that many minibatch steps, even mid-epoch (:meth:`Job.local_steps` counts them),
        and ``examples`` is the distinct samples those steps reached. ``examples`` (the aggregation
        weight) must be positive. ``metrics["loss"]`` is the mean
        training loss sent in the Update (it must be finite); ``metrics["cpu_seconds"]``, if given,
        replaces the thread CPU time the runner measures around this call.
        """
        raise NotImplementedError("a Client subclass implements fit(parameters, job)")

    def evaluate(self, parameters: np.ndarray, job) -> Optional[Tuple[float, float, int]]:
        """Optionally, ``(loss, accuracy, examples)`` of ``parameters`` on local test data. The
        runner records it for each global model it receives (``RunResult.evaluations``)."""
        return None
