"""Requests sent at the same moment: the race tests' one helper.

Each call runs in a thread of its own, so it has its own database connection,
as two requests to two app servers would; a barrier lets them all go at once.
There is no retry: whatever a thread raises fails the test.
"""

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def at_once[T, R](work: Callable[[T], R], inputs: Sequence[T]) -> list[R]:
    """work(x) for every x, all started together, each in its own thread; the results
    in the order of `inputs`. The first exception a thread raised is raised here."""
    barrier = threading.Barrier(len(inputs))
    results: list = [None] * len(inputs)
    errors: list[BaseException] = []

    def run(index: int, value: T) -> None:
        try:
            barrier.wait()
            results[index] = work(value)
        except BaseException as error:  # noqa: BLE001 - handed to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(inputs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
