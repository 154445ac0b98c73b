/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec-record LOG -- COMMAND [ARG...]
 *
 * Runs COMMAND and writes to LOG the path of every file that COMMAND or any
 * of its descendants executes (programs, script interpreters, the dynamic
 * loader), once each, as the kernel opened it. check-packages.py then names
 * the Debian package of each. Used by tests/run-tests.sh to learn which
 * commands a test layer really ran, whatever ran them: shell, Python, C.
 *
 * How: a fanotify group with FAN_OPEN_EXEC_PERM on the filesystems that hold
 * programs. A permission event holds the process in execve() until it is
 * answered, so the process is still there to be asked who its parents are:
 * only descendants of this process are recorded, and this process is their
 * child subreaper, so orphans stay descendants. Every event is allowed.
 *
 * When recording cannot start (no fanotify, not root), COMMAND still runs and
 * LOG says why on a line starting with "# not recorded:". The exit status is
 * COMMAND's (128 + signal if it was killed), 127 if it could not be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

/* Where programs live; each filesystem is marked once, whichever names it. */
static const char *const prog_dirs[] = {
	"/", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/libexec",
	"/usr/local", "/bin", "/sbin", "/lib", "/lib64", "/opt",
};

#define MAX_PATHS 8192
#define MAX_DEPTH 256

static char *seen[MAX_PATHS];
static int n_seen;

static int log_write(int fd, const char *s)
{
	size_t len = strlen(s);

	return write(fd, s, len) == (ssize_t)len ? 0 : -errno;
}

/* Records path once; LOG is append-only so a crash loses nothing written. */
static void record(int log_fd, const char *path)
{
	char line[PATH_MAX + 2];
	int i;

	for (i = 0; i < n_seen; i++)
		if (!strcmp(seen[i], path))
			return;
	if (n_seen == MAX_PATHS)
		return;
	seen[n_seen] = strdup(path);
	if (!seen[n_seen])
		return;
	n_seen++;
	snprintf(line, sizeof(line), "%s\n", path);
	log_write(log_fd, line);
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold anything, even ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

static bool is_descendant(pid_t pid, pid_t ancestor)
{
	int depth;

	for (depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
		pid = parent_of(pid);
		if (pid == ancestor)
			return true;
	}
	return false;
}

static int mark_prog_dirs(int fan_fd)
{
	unsigned int i, marked = 0;
	int err = 0;

	for (i = 0; i < sizeof(prog_dirs) / sizeof(prog_dirs[0]); i++) {
		if (access(prog_dirs[i], F_OK))
			continue;
		if (!fanotify_mark(fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
				   FAN_OPEN_EXEC_PERM, AT_FDCWD, prog_dirs[i]) ||
		    !fanotify_mark(fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT,
				   FAN_OPEN_EXEC_PERM, AT_FDCWD, prog_dirs[i]))
			marked++;
		else
			err = -errno;
	}
	return marked ? 0 : (err ?: -ENOENT);
}

/* Answers every pending event; returns -errno on a read error. */
static int handle_events(int fan_fd, int log_fd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	struct fanotify_event_metadata *ev;
	struct fanotify_response resp;
	char link[64], path[PATH_MAX];
	ssize_t len, n;

	len = read(fan_fd, buf, sizeof(buf));
	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (ev = (void *)buf; FAN_EVENT_OK(ev, len); ev = FAN_EVENT_NEXT(ev, len)) {
		if (ev->vers != FANOTIFY_METADATA_VERSION)
			return -EPROTO;
		if (ev->fd < 0)
			continue;
		if (is_descendant(ev->pid, getpid())) {
			snprintf(link, sizeof(link), "/proc/self/fd/%d", ev->fd);
			n = readlink(link, path, sizeof(path) - 1);
			if (n > 0) {
				path[n] = '\0';
				record(log_fd, path);
			}
		}
		resp.fd = ev->fd;
		resp.response = FAN_ALLOW;
		if (write(fan_fd, &resp, sizeof(resp)) != sizeof(resp))
			fprintf(stderr, "exec-record: cannot answer an event: %s\n",
				strerror(errno));
		close(ev->fd);
	}
	return 0;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int fan_fd = -1, sig_fd, log_fd, status = 0, rc = 127, err;
	bool child_done = false;
	char why[256] = "";
	sigset_t mask;
	pid_t child;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: exec-record LOG -- COMMAND [ARG...]\n");
		return 2;
	}
	log_fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		fprintf(stderr, "exec-record: cannot open %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}

	fan_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
			       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fan_fd < 0) {
		snprintf(why, sizeof(why), "fanotify_init: %s", strerror(errno));
	} else {
		err = mark_prog_dirs(fan_fd);
		if (err) {
			snprintf(why, sizeof(why), "fanotify_mark: %s", strerror(-err));
			close(fan_fd);
			fan_fd = -1;
		}
	}
	if (fan_fd < 0) {
		dprintf(log_fd, "# not recorded: %s\n", why);
		fprintf(stderr, "exec-record: not recording (%s)\n", why);
	}

	/* Orphaned descendants are re-parented here, not to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		perror("exec-record: signalfd");
		return 2;
	}

	child = fork();
	if (child < 0) {
		perror("exec-record: fork");
		return 2;
	}
	if (child == 0) {
		sigprocmask(SIG_UNBLOCK, &mask, NULL);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "exec-record: cannot run %s: %s\n", argv[3],
			strerror(errno));
		_exit(127);
	}

	while (!child_done) {
		struct pollfd pfd[2] = {
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = fan_fd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		pid_t pid;

		if (poll(pfd, fan_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (fan_fd >= 0 && (pfd[1].revents & POLLIN)) {
			err = handle_events(fan_fd, log_fd);
			if (err) {
				/* closing the group lets every pending exec go on */
				dprintf(log_fd, "# not recorded: reading events: %s\n",
					strerror(-err));
				close(fan_fd);
				fan_fd = -1;
			}
		}
		while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				kill(child, si.ssi_signo);
		}
		/* reap the child and any orphan handed to us */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == child) {
				rc = exit_code(status);
				child_done = true;
			}
		}
	}
	if (fan_fd >= 0) {
		handle_events(fan_fd, log_fd);
		close(fan_fd);
	}
	close(log_fd);
	return rc;
}
