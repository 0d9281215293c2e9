"""The `refresher` program (and `python -m refresher`): the command line, started with the cycle
collector held off until the command begins (`refresher.env.collector`)."""

from refresher.env import collector


def run() -> None:
    collector.hold_for_start_up()  # before the command line and Typer are imported
    from refresher.cli import main

    main()


if __name__ == "__main__":
    run()
