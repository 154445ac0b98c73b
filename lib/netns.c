/* SPDX-License-Identifier: GPL-2.0 */
/* The caller's network namespace: inode and cookie; see netns.h. */
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int netns_self(struct netns_id *id)
{
	socklen_t len = sizeof(id->cookie);
	struct stat st;
	int fd;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	id->inode = st.st_ino;
	id->cookie = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &id->cookie, &len) ||
	    len != sizeof(id->cookie))
		id->cookie = 0;
	close(fd);
	return 0;
}
