"""The demo tour runs every step through the CLI with the commands' own defaults."""

from __future__ import annotations

from railcap.cli import tour


def test_every_step_of_the_tour_names_a_real_command_line():
    from railcap.cli import app

    for _, args in tour.STEPS:
        assert app([*args, "--help"], standalone_mode=False, prog_name="railcap") in (None, 0)


def test_the_path_steps_run_as_typed(capsys):
    steps = tuple(s for s in tour.STEPS if s[1][:2] == ("path", "plan"))
    codes = tour.run(steps)
    out = capsys.readouterr().out
    assert codes == [0, 1]  # the military train gets a path; the 740 m train over Venlo is refused
    assert "650 m" in out  # and the refusal says why
