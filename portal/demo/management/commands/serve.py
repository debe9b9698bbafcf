"""Start the web server and the Huey consumer together; Ctrl-C stops both."""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from portal.demo.management.commands.seed_demo import demo_accounts


def consumer_command() -> list[str]:
    """The task queue consumer, with the settings of the environment."""
    return [sys.executable, "manage.py", "run_huey"]


def web_command(host: str, port: int) -> list[str]:
    """The development web server (threaded: one thread per request)."""
    return [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"]


class Command(BaseCommand):
    help = "Run the development web server and the task queue consumer, and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--password", default="portal-demo", help="the demo accounts' password, to print it")

    def handle(self, *args, port, host, password, **options):
        processes = [subprocess.Popen(consumer_command()), subprocess.Popen(web_command(host, port))]
        self.stdout.write(self.style.SUCCESS(f"\nThe portal runs at http://{host}:{port}/"))
        self.stdout.write(f"  Wagtail admin: http://{host}:{port}/admin/   API docs: http://{host}:{port}/api/v1/docs/")
        self.stdout.write(f"  Demo accounts (password: {password}):")
        for email, role in demo_accounts(password):
            self.stdout.write(f"    {email:<34} {role}")
        self.stdout.write("Press Ctrl-C to stop the web server and the task consumer.\n")
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
