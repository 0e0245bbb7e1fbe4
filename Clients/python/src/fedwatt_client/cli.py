"""``fedwatt-py-client``: join a FedWatt job with a Python :class:`Client` class."""

import argparse
import importlib
import importlib.util
import logging
import os
import sys

from .runner import CoordinatorUnreachable, JobUnusable, run


def load_client_class(reference):
    """``MODULE:CLASS`` or ``path/to/file.py:CLASS`` as the class it names."""
    target, sep, name = reference.rpartition(":")
    if not sep or not target or not name:
        raise ValueError(f"--client must be MODULE:CLASS or FILE.py:CLASS, not {reference!r}")
    if target.endswith(".py"):
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(target))[0], target)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    return getattr(module, name)


def parser():
    """The command's options."""
    p = argparse.ArgumentParser(
        prog="fedwatt-py-client",
        description="Join a FedWatt federated job as one client, training with a Python Client class. "
                    "Reconnects with exponential backoff if the coordinator goes away; exits 0 at Bye.")
    p.add_argument("--coordinator", required=True, help="coordinator address, HOST:PORT")
    p.add_argument("--id", type=int, required=True, help="this client's id, 0..<the job's client count; it picks the data shard")
    p.add_argument("--client", required=True,
                   help="the Client subclass to train with, MODULE:CLASS or FILE.py:CLASS (built with no arguments)")
    p.add_argument("--device", default="rpi4", help="device profile this client models (energy accounting)")
    p.add_argument("--link", default="wifi", help="link profile this client models (energy accounting)")
    p.add_argument("--data-dir", help="folder with the Fashion-MNIST IDX files (sets FEDWATT_DATA_DIR)")
    p.add_argument("--secret-file", help="a file whose content (white space stripped, at least 16 bytes) is this client's secret")
    p.add_argument("--tls-ca", help="connect with TLS, trusting the certificate authorities in this PEM file")
    p.add_argument("--tls-server-name", help="the name the coordinator's certificate must carry (default: the host, unless an IP address)")
    p.add_argument("--tls-cert", help="mutual TLS: present this PEM certificate chain (with --tls-key)")
    p.add_argument("--tls-key", help="the PEM private key of --tls-cert")
    p.add_argument("--give-up-after", type=float, default=60.0, help="seconds without reaching the coordinator before giving up")
    p.add_argument("--verbose", action="store_true", help="log each connection and refusal")
    return p


def main(argv=None):
    """Runs the command; returns its exit status."""
    args = parser().parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser().error("--tls-cert and --tls-key go together")
    if args.tls_cert and not args.tls_ca:
        parser().error("--tls-cert needs --tls-ca (mutual TLS is TLS first)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s")
    if args.data_dir:
        os.environ["FEDWATT_DATA_DIR"] = args.data_dir
    client = load_client_class(args.client)()
    try:
        result = run(args.coordinator, args.id, client, device=args.device, link=args.link, secret_file=args.secret_file,
                     tls_ca=args.tls_ca, tls_cert=args.tls_cert, tls_key=args.tls_key, tls_server_name=args.tls_server_name,
                     give_up_after=args.give_up_after)
    except (CoordinatorUnreachable, JobUnusable) as error:
        print(f"fedwatt-py-client: {error}", file=sys.stderr)
        return 1
    print(f"client {args.id}: bye ({result.bye_reason}); {result.rounds_accepted} of {result.rounds_answered} updates accepted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
