"""python -m instructor.gradebook: the Python is checked before numpy or anything of the kata's is
imported (a fault of the instructor's environment is one line and exit 4), then the command line runs."""
from instructor.gradebook.preflight import environment_or_exit

environment_or_exit()

from instructor.gradebook.cli import main  # noqa: E402 (after the check: it needs none of these)

main()
