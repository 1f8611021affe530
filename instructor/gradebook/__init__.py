"""Grade a class: a folder of submissions into one CSV and one results JSON per student.

    .venv/bin/python -m instructor.gradebook SUBMISSIONS_DIR --out DIR [--deadline 300] [--time-limit 10] [--jobs N]
        [--kata-seed 0] [--max-output-mb 64] [--template DIR | --expected-fingerprint FILE]
        [--cluster local:N | --scheduler ADDRESS] [--shard I/N]
    .venv/bin/python -m instructor.gradebook merge OUT SHARD_DIR...

SUBMISSIONS_DIR holds one folder per student: either the student's implementation folder (the
modules of the contract) or a copy of the student's whole repository, whose exercises/ is graded
(or the one folder inside it that holds either: instructor/shapes.py). Before anyone is graded, the
gradebook checks its own Python (TensorFlow, Keras 3): a fault there is one line and exit 4, never
a row of every student's. Every submission is graded by this checkout's own tests, never by the
copy the student sent:

- its files are copied without following a symbolic link, within a size bound; a FIFO, a device,
  a socket or a link that dangles or leads out of the submission is an error row naming the file;
- it runs in a private folder, in a grading process that leads its own session, one per core;
  whatever its code kills (its parent, its process group), the gradebook survives, and every
  process it leaves behind is killed (the gradebook is their subreaper: none can slip away);
- with a time limit and a size limit on every file it writes (so endless output stops);
- the results file it wrote is checked before it is used: a malformed one is an error row;
- its results are written the moment it finishes, and the CSV after every student, so a crash,
  a hang or a flood of output in one submission costs that student an error row, nothing else.
Ctrl-C stops the run at once: no new grading starts, the finished rows stay in grades.csv.

--cluster local:N (a Dask LocalCluster of N worker processes) or --scheduler ADDRESS (a Dask cluster
of your own) grade each submission as one Dask task, the same way; --shard I/N grades a share of the
class, and merge joins the shards' folders (docs/instructors.md: More than one machine).

The fingerprint of the graded files is computed here, outside the student's process: a repository
copy whose graded files differ from the template the class received (--template, or
--expected-fingerprint; by default the templates this checkout writes, instructor/template.py), or a
submission that changes them while it is graded, gets status "error" with the files named; its
points from the instructor's tests are kept in the row for the instructor to judge.

One job a module (this package imports nothing, so that `python -m instructor.gradebook` checks its
Python before anything else is imported):

- preflight.py: the Python, the machine and the box checked before anyone is graded;
- cli.py: the options, checked, and the run (exit codes, Ctrl-C);
- class_run.py: the class: every student folder graded in parallel, their files written as each ends;
- cluster.py: the class on a Dask cluster, a submission a task (imported only for --cluster, --scheduler);
- shards.py: a share of the class (--shard), and the shards merged (merge);
- grading.py: one submission: copied, graded in a grading process, its results checked;
- copying.py: a submission's files copied without following a link, within a budget;
- processes.py: the grading processes: started, ended with all they left, none left at the end;
- preloaded.py, preloaded_server.py: the process that imports TensorFlow once and forks them;
- results_file.py: the results file a grading process wrote, read as untrusted data;
- tampering.py: graded files sent or changed that are not the template's;
- grades.py: grades.csv, results/<student>.json and the terminal line.
"""
