"""The composition roots: the processes and commands that put the services together (the
embedded system, the command line, the generated architecture page, replay, backups). They
import the services; the shared library (`govmb`) imports none."""
