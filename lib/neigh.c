/* SPDX-License-Identifier: GPL-2.0 */
/* Managed neighbour entries over rtnetlink; see neigh.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "neigh.h"

#define NL_BUF 8192

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
	};
	char attrs[64];
};

static void add_attr(struct nl_req *r, int type, const void *data, int len)
{
	struct rtattr rta = { .rta_type = type, .rta_len = RTA_LENGTH(len) };
	char *p = (char *)r + NLMSG_ALIGN(r->nh.nlmsg_len);

	memcpy(p, &rta, sizeof(rta));
	memcpy(p + RTA_LENGTH(0), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta.rta_len);
}

/* Sends one request and returns the first answer (or the error it carries). */
static int nl_talk(int fd, struct nlmsghdr *req, char *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh;
	ssize_t n;

	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	n = recv(fd, buf, len, 0);
	if (n < 0)
		return -errno;
	nh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nh, (size_t)n))
		return -EBADMSG;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	return (int)n;
}

int neigh_ensure_managed(__u8 family, const union lb_addr *addr)
{
	int alen = family == LB_AF_INET ? 4 : 16;
	int af = family == LB_AF_INET ? AF_INET : AF_INET6;
	struct nl_req req;
	char buf[NL_BUF];
	union lb_addr nexthop = *addr;
	struct nlmsghdr *nh;
	struct rtattr *rta;
	struct rtmsg *rtm;
	int fd, n, len, oif = 0, err;
	__u32 ext = NTF_EXT_MANAGED;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = af;
	req.rt.rtm_dst_len = alen * 8;
	add_attr(&req, RTA_DST, addr->bytes, alen);
	n = nl_talk(fd, &req.nh, buf, sizeof(buf));
	if (n < 0) {
		err = n;
		goto out;
	}
	nh = (struct nlmsghdr *)buf;
	rtm = NLMSG_DATA(nh);
	if (rtm->rtm_type == RTN_LOCAL) {
		err = 0; /* a local address needs no neighbour */
		goto out;
	}
	len = RTM_PAYLOAD(nh);
	for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == RTA_OIF && RTA_PAYLOAD(rta) >= 4)
			memcpy(&oif, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_GATEWAY && (int)RTA_PAYLOAD(rta) == alen)
			memcpy(nexthop.bytes, RTA_DATA(rta), alen);
	}
	if (!oif) {
		err = -ENETUNREACH;
		goto out;
	}

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.nh.nlmsg_type = RTM_NEWNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.nd.ndm_family = af;
	req.nd.ndm_ifindex = oif;
	req.nd.ndm_state = NUD_NONE;
	add_attr(&req, NDA_DST, nexthop.bytes, alen);
	add_attr(&req, NDA_FLAGS_EXT, &ext, sizeof(ext));
	n = nl_talk(fd, &req.nh, buf, sizeof(buf));
	/* an existing entry (learnt, static or managed) is just as good */
	err = n == -EEXIST ? 0 : n < 0 ? n : 0;
out:
	close(fd);
	return err;
}
