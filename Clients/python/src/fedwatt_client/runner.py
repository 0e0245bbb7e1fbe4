"""``run``: serve a FedWatt job with a :class:`Client` until the coordinator says Bye (docs/PROTOCOL.md)."""

import logging
import math
import random
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from . import tensor_codec
from .authentication import proof, read_secret_file
from .codec_spec import CodecError
from .connection import Connection, ConnectionClosed, tls_context
from .error_codes import ErrorCode, WireError
from .error_feedback import ErrorFeedback
from .flops import parameter_count
from .job import Job
from .messages import Ack, Bye, Challenge, Error, Register, RoundStart, Update, Welcome

log = logging.getLogger("fedwatt_client")


class CoordinatorUnreachable(Exception):
    """No contact with the coordinator for longer than the give-up time."""


class JobUnusable(Exception):
    """The job in Welcome cannot run here (malformed JSON, or ``Client.setup`` failed): the client
    has answered error 6 or 99 and stops."""


@dataclass
class RunResult:
    """What a finished :func:`run` did."""

    bye_reason: str
    rounds_answered: int = 0
    rounds_accepted: int = 0
    connections: int = 0
    #: ``(round, loss, accuracy, examples)`` for each global model :meth:`Client.evaluate` scored.
    evaluations: List[Tuple[int, float, float, int]] = field(default_factory=list)
    #: ``(round, mean training loss)`` of each Update sent.
    train_losses: List[Tuple[int, float]] = field(default_factory=list)


class _JobState:
    """What outlives a connection for the same job: the held model and the error-feedback residual."""

    def __init__(self, job):
        self.job = job
        self.held: Optional[Tuple[int, np.ndarray]] = None
        self.feedback = ErrorFeedback()


def parse_address(text):
    """``HOST:PORT`` as ``(host, port)``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"coordinator must be HOST:PORT, e.g. 127.0.0.1:7000, not {text!r}")
    return host.strip("[]"), int(port)


def run(coordinator, client_id, client, *, device="rpi4", link="wifi", secret=None, secret_file=None, tls_ca=None,
        tls_cert=None, tls_key=None, tls_server_name=None, give_up_after=60.0, initial_backoff=0.1, maximum_backoff=5.0,
        maximum_payload=64 << 20):
    """Joins the job at ``coordinator`` (``HOST:PORT``) as ``client_id`` with ``client`` and serves it
    until Bye; returns a :class:`RunResult`.

    It answers the Challenge with Register (an HMAC proof when ``secret`` bytes or a ``secret_file``
    are given), calls ``client.setup`` at Welcome and reports ready, trains on each RoundStart
    (whole models and differences) and sends the delta under the job's uplink codec, with error
    feedback for biased pipelines. When the connection ends without Bye, or after it refused a
    message with Error (the coordinator closes the connection after any Error a client sends), it
    reconnects with exponential backoff (``initial_backoff`` doubling to ``maximum_backoff``, with
    jitter) and raises :class:`CoordinatorUnreachable` after ``give_up_after`` seconds without
    contact. The held model and error-feedback residual survive reconnections to the same job. A
    job it cannot use raises :class:`JobUnusable` after answering error 6 (malformed job) or 99
    (``client.setup`` failed).
    """
    host, port = parse_address(coordinator)
    if (tls_cert is None) != (tls_key is None) or (tls_cert is not None and tls_ca is None):
        raise ValueError("mutual TLS needs tls_ca, tls_cert and tls_key together")
    if secret is None and secret_file is not None:
        secret = read_secret_file(secret_file)
    tls = tls_context(tls_ca, tls_cert, tls_key, tls_server_name, host) if tls_ca else None
    result = RunResult(bye_reason="")
    state = None
    backoff = initial_backoff
    last_contact = time.monotonic()
    last_failure = None
    while True:
        try:
            connection = Connection(host, port, tls=tls, maximum_payload=maximum_payload)
        except OSError as error:
            last_failure = f"cannot connect: {error}"
        else:
            result.connections += 1
            heard, state, bye, failure = _serve(connection, client_id, client, device, link, secret, state, result)
            if bye is not None:
                result.bye_reason = bye
                return result
            if heard:
                last_contact = time.monotonic()
                backoff = initial_backoff
            last_failure = failure
            log.info("client %d: connection ended (%s); reconnecting", client_id, failure)
        if time.monotonic() - last_contact >= give_up_after:
            raise CoordinatorUnreachable(
                f"coordinator {coordinator} unreachable for {give_up_after} s (last: {last_failure}); giving up")
        time.sleep(backoff * random.uniform(0.5, 1.0))
        backoff = min(backoff * 2, maximum_backoff)


def _serve(connection, client_id, client, device, link, secret, state, result):
    """Talks on one connection; returns ``(heard from the coordinator, job state, bye reason or None, why it ended)``."""
    heard = False
    registered = False
    try:
        while True:
            try:
                message = connection.receive()
            except WireError as error:
                connection.refuse(error)
                return heard, state, None, f"refused the coordinator's bytes: {error}"
            heard = True
            if isinstance(message, Challenge) and not registered:
                connection.send(Register(client_id, device, link, proof(secret, message.nonce, client_id) if secret else b""))
                registered = True
            elif isinstance(message, Welcome):
                try:
                    job = Job.from_json(message.job_json)
                except (ValueError, KeyError, TypeError) as error:
                    connection.refuse(WireError(ErrorCode.MALFORMED_PAYLOAD, f"cannot use the job: {error!r}"))
                    raise JobUnusable(f"cannot use the job: {error!r}") from error
                if state is None or not state.job.same_job(job):
                    try:
                        client.setup(job, client_id)
                    except Exception as error:
                        connection.refuse(WireError(ErrorCode.INTERNAL_ERROR, f"client {client_id} cannot prepare: {error}"))
                        raise JobUnusable(f"client {client_id} cannot prepare the job: {error}") from error
                    state = _JobState(job)
                connection.send(Ack(0))
            elif isinstance(message, RoundStart):
                if state is None:
                    connection.refuse(WireError(ErrorCode.UNEXPECTED_MESSAGE, "RoundStart before Welcome"))
                    return heard, state, None, "RoundStart before Welcome"
                try:
                    update = _run_round(message, client_id, client, state, result)
                except WireError as error:
                    log.warning("client %d: refusing round %d: %s", client_id, message.round, error)
                    connection.refuse(error)
                    return heard, state, None, str(error)
                connection.send(update)
                result.rounds_answered += 1
                result.train_losses.append((message.round, update.train_loss))
            elif isinstance(message, Ack):
                result.rounds_accepted += 1
            elif isinstance(message, Bye):
                connection.close()
                return heard, state, message.reason, None
            elif isinstance(message, Error):
                log.error("client %d: the coordinator refused us: %d %s", client_id, message.code, message.text)
            else:
                connection.refuse(WireError(ErrorCode.UNEXPECTED_MESSAGE, f"a coordinator does not send {type(message).__name__}"))
                return heard, state, None, "unexpected message"
    except ConnectionClosed as closed:
        connection.close()
        return heard, state, None, str(closed)
    except OSError as error:
        connection.close()
        return heard, state, None, str(error)


def _run_round(start, client_id, client, state, result):
    """Decodes the round's model, trains with ``client.fit``, and builds the Update."""
    job = state.job
    if not (math.isfinite(start.learning_rate) and start.learning_rate > 0 and start.local_epochs > 0):
        raise WireError(ErrorCode.MALFORMED_PAYLOAD,
                        f"round {start.round} asks for learning rate {start.learning_rate} and {start.local_epochs} epochs")
    if job.layer_sizes:
        expected = parameter_count(job.layer_sizes)
    else:
        expected = start.models[0].value_count if state.held is None else len(state.held[1])
    try:
        chain = [tensor_codec.decode(tensor, expected) for tensor in start.models]
    except CodecError as error:
        raise WireError(error.code, str(error)) from None
    model = chain[0]
    if start.base_version != 0:
        if state.held is None or state.held[0] != start.base_version:
            held = f"version {state.held[0]}" if state.held else "none"
            raise WireError(ErrorCode.UNKNOWN_BASE_MODEL,
                            f"round {start.round} sends a difference from model version {start.base_version}; this client holds {held}")
        model = (model + state.held[1]).astype(np.float32)
    # The rest of the chain: the differences this client missed, each added as the coordinator did.
    for difference in chain[1:]:
        model = (model + difference).astype(np.float32)
    state.held = (start.model_version, model)
    round_job = job.for_round(start.round, float(np.float32(start.learning_rate)), start.local_epochs, start.step_limit or None)
    evaluation = client.evaluate(model.copy(), round_job)
    if evaluation is not None:
        result.evaluations.append((start.round, *evaluation))
    cpu_start = time.thread_time()
    parameters, examples, flops, metrics = client.fit(model.copy(), round_job)
    cpu_seconds = float(metrics.get("cpu_seconds", time.thread_time() - cpu_start))
    loss = float(metrics.get("loss", 0.0))
    parameters = np.asarray(parameters, dtype=np.float32).ravel()
    if parameters.shape != model.shape:
        raise ValueError(f"fit returned {parameters.size} parameters; the model has {model.size}")
    if int(examples) <= 0:
        raise ValueError(f"fit returned {examples} examples; the coordinator refuses a non-positive count (error 6)")
    if not math.isfinite(loss) or not np.all(np.isfinite(parameters)):
        raise ValueError("fit returned a non-finite loss or parameters; the coordinator refuses them (error 11)")
    delta = (parameters - model).astype(np.float32)
    rounding = job.encoding_generator(client_id, start.round)
    encode_start = time.perf_counter()
    spec = job.uplink_codec
    tensor = state.feedback.encode(delta, spec, rounding) if spec.is_biased else tensor_codec.encode(delta, spec, rounding)
    encode_seconds = time.perf_counter() - encode_start
    return Update(start.round, int(examples), loss, int(flops), cpu_seconds, encode_seconds, tensor)
