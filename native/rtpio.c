/*
 * voiceload_rtpio: batched UDP send/receive for RTP on sockets that Node's dgram already bound.
 *
 * Why: every dgram send costs a JS->C++ crossing plus a SendWrap, every received datagram a crossing,
 * an rinfo object and a callback: several us of CPU per packet, and at 50 packets/s per call and
 * thousands of calls most of the load tester's CPU. Here the JS media clock hands one slot's packets to send()
 * in a single call, and drain() empties every readable socket into one caller-owned buffer in a
 * single call per wake-up.
 *
 * Sending goes through io_uring when the build found liburing (VOICELOAD_URING) and the kernel allows
 * it: one io_uring_enter submits a whole slot's sendmsg operations, where sendto would pay a system
 * call per packet (on a VM with page-table isolation the entry/exit is most of a loopback send: 2.6 us
 * per packet with sendto against 0.95 us through the ring, measured here with 400 sockets). Without it,
 * sendto per packet.
 *
 * What it does not do: create, bind or close sockets (Node owns them; JS passes their fds and calls
 * recvStop() on the libuv handle so libuv stops reading them), resolve host names, parse RTP, or
 * schedule anything. Linux only (epoll, recvmmsg, SO_TIMESTAMPNS).
 *
 * Context-aware: loaded in several worker threads at once, so there is no mutable global state;
 * everything lives in an Io struct owned by a napi External whose finalizer frees it.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef VOICELOAD_URING
#include <liburing.h>
/* Submission queue depth: a flush larger than this goes in several submissions. */
#define URING_ENTRIES 512
#endif

#define MAX_EVENTS 256
#define MAX_PACKETS_LIMIT 65536
/* Room for the SCM_TIMESTAMPNS cmsg with slack; anything else the kernel adds is ignored. */
#define CTRL_BYTES 64

/* Tells our External apart from any other External passed in by mistake. Immutable. */
static const napi_type_tag IO_TAG = {0x766f6963656c6f61ULL, 0x645f727470696f31ULL};

typedef union {
  struct sockaddr sa;
  struct sockaddr_in in4;
  struct sockaddr_in6 in6;
} Remote; /* sa_family == AF_UNSPEC (0) means "no remote set" */

typedef struct {
  int epfd; /* -1 once closed */
  uint32_t max_packets;
  struct mmsghdr *msgs;
  struct iovec *iovs;
  unsigned char *ctrl; /* max_packets * CTRL_BYTES */
  Remote *remotes;     /* indexed by fd */
  size_t remotes_cap;
  /* recvmmsg slots already pointing into this data buffer with this slot size (see prepare_slots). */
  uint8_t *prep_data;
  size_t prep_slot, prep_count;
  int64_t send_errors, last_send_errno, recv_errors, truncated, drains, packets_drained, packets_sent;
#ifdef VOICELOAD_URING
  bool uring; /* the ring below was set up */
  struct io_uring ring;
  struct msghdr send_msgs[URING_ENTRIES];
  struct iovec send_iovs[URING_ENTRIES];
#endif
} Io;

/* On a failed napi call: throw (unless something already did) and return NULL from the callback. */
#define CHECK(env, call)                                                          \
  do {                                                                            \
    if ((call) != napi_ok) return throw_napi_failure((env), #call);               \
  } while (0)

static napi_value throw_napi_failure(napi_env env, const char *what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return NULL;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  const char *msg = info && info->error_message ? info->error_message : "unknown N-API failure";
  char buf[256];
  snprintf(buf, sizeof buf, "rtpio: %s (%s)", msg, what);
  napi_throw_error(env, NULL, buf);
  return NULL;
}

/* An Error whose message names the errno and whose .code is its symbolic name (like Node's). */
static napi_value throw_errno(napi_env env, const char *what, int fd, int err) {
  char buf[256];
  if (fd >= 0) snprintf(buf, sizeof buf, "rtpio: %s (fd %d): %s", what, fd, strerror(err));
  else snprintf(buf, sizeof buf, "rtpio: %s: %s", what, strerror(err));
  const char *code = NULL;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
  code = strerrorname_np(err);
#endif
  napi_throw_error(env, code, buf);
  return NULL;
}

/* Argument errors: TypeError for a wrong kind of value, RangeError for a number out of range. */
static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value throw_range(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

static void io_close(Io *io) {
  if (io->epfd >= 0) close(io->epfd);
  io->epfd = -1;
#ifdef VOICELOAD_URING
  if (io->uring) io_uring_queue_exit(&io->ring);
  io->uring = false;
#endif
}

static void io_free(Io *io) {
  if (!io) return;
  io_close(io);
  free(io->msgs);
  free(io->iovs);
  free(io->ctrl);
  free(io->remotes);
  free(io);
}

static void io_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  io_free((Io *)data);
}

/* The Io behind a handle; NULL (with a TypeError, or an Error when it must be open) otherwise. */
static Io *get_io(napi_env env, napi_value value, bool must_be_open) {
  napi_valuetype type;
  bool tagged = false;
  void *data = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, value, &IO_TAG, &tagged) != napi_ok || !tagged ||
      napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtpio: first argument must be a handle from createIo()");
    return NULL;
  }
  Io *io = data;
  if (!must_be_open || io->epfd >= 0) return io;
  napi_throw_error(env, NULL, "rtpio: handle is closed");
  return NULL;
}

static bool get_int(napi_env env, napi_value value, const char *name, int32_t *out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number ||
      napi_get_value_int32(env, value, out) != napi_ok) {
    char buf[96];
    snprintf(buf, sizeof buf, "rtpio: %s must be a number", name);
    napi_throw_type_error(env, NULL, buf);
    return false;
  }
  return true;
}

/* A typed array of the wanted kind: its first element and element count. */
static bool get_array(napi_env env, napi_value value, napi_typedarray_type want, const char *name,
                      void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) != napi_ok || type != want) {
    char buf[96];
    snprintf(buf, sizeof buf, "rtpio: %s must be a%s", name, want == napi_uint8_array ? " Uint8Array" : "n Int32Array");
    napi_throw_type_error(env, NULL, buf);
    return false;
  }
  return true;
}

/* Reads exactly n arguments; missing ones are undefined and fail the type checks above. */
#define ARGS(n)                                                                   \
  size_t argc = (n);                                                              \
  napi_value argv[(n)];                                                           \
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL))

static napi_value create_io(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t max_packets;
  if (!get_int(env, argv[0], "maxPackets", &max_packets)) return NULL;
  if (max_packets < 1 || max_packets > MAX_PACKETS_LIMIT) return throw_range(env, "rtpio: maxPackets must be in 1..65536");
  Io *io = calloc(1, sizeof *io);
  if (!io) return throw_errno(env, "createIo", -1, ENOMEM);
  io->epfd = -1;
  io->max_packets = (uint32_t)max_packets;
  io->msgs = calloc(io->max_packets, sizeof *io->msgs);
  io->iovs = calloc(io->max_packets, sizeof *io->iovs);
  io->ctrl = calloc(io->max_packets, CTRL_BYTES);
  int err = io->msgs && io->iovs && io->ctrl ? 0 : ENOMEM;
  if (!err && (io->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) err = errno;
#ifdef VOICELOAD_URING
  /* A kernel without io_uring, or with it disabled (kernel.io_uring_disabled), leaves sendto. */
  if (!err) io->uring = io_uring_queue_init(URING_ENTRIES, &io->ring, 0) == 0;
#endif
  napi_value handle;
  if (err || napi_create_external(env, io, io_finalize, NULL, &handle) != napi_ok) {
    io_free(io);
    return err ? throw_errno(env, "createIo", -1, err) : throw_napi_failure(env, "napi_create_external");
  }
  CHECK(env, napi_type_tag_object(env, handle, &IO_TAG));
  return handle;
}

static napi_value add(napi_env env, napi_callback_info info) {
  ARGS(3);
  Io *io = get_io(env, argv[0], true);
  int32_t fd, id;
  if (!io || !get_int(env, argv[1], "fd", &fd) || !get_int(env, argv[2], "id", &id)) return NULL;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) return throw_errno(env, "setsockopt SO_TIMESTAMPNS", fd, errno);
  /* Level-triggered: whatever a drain leaves behind (full buffer) is reported again next time. */
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((uint64_t)(uint32_t)id << 32) | (uint32_t)fd};
  if (epoll_ctl(io->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) return throw_errno(env, "epoll_ctl ADD", fd, errno);
  return NULL;
}

static void forget_remote(Io *io, int32_t fd) {
  if (fd >= 0 && (size_t)fd < io->remotes_cap) memset(&io->remotes[fd], 0, sizeof(Remote));
}

static napi_value remove_fd(napi_env env, napi_callback_info info) {
  ARGS(2);
  Io *io = get_io(env, argv[0], true);
  int32_t fd;
  if (!io || !get_int(env, argv[1], "fd", &fd)) return NULL;
  forget_remote(io, fd);
  /* ENOENT: never added; EBADF: already closed, and closing it already left the epoll set. */
  if (epoll_ctl(io->epfd, EPOLL_CTL_DEL, fd, NULL) != 0 && errno != ENOENT && errno != EBADF) {
    throw_errno(env, "epoll_ctl DEL", fd, errno);
  }
  return NULL;
}

static napi_value set_remote(napi_env env, napi_callback_info info) {
  ARGS(4);
  Io *io = get_io(env, argv[0], true);
  int32_t fd, port;
  if (!io || !get_int(env, argv[1], "fd", &fd) || !get_int(env, argv[3], "port", &port)) return NULL;
  char host[INET6_ADDRSTRLEN + 1];
  size_t len = 0;
  napi_valuetype type;
  CHECK(env, napi_typeof(env, argv[2], &type));
  if (type == napi_string) CHECK(env, napi_get_value_string_utf8(env, argv[2], host, sizeof host, &len));
  Remote r;
  memset(&r, 0, sizeof r);
  bool ok = type == napi_string && len < sizeof host - 1; /* a longer string was cut: not a literal */
  if (ok && inet_pton(AF_INET, host, &r.in4.sin_addr) == 1) {
    r.in4.sin_family = AF_INET;
    r.in4.sin_port = htons((uint16_t)port);
  } else if (ok && inet_pton(AF_INET6, host, &r.in6.sin6_addr) == 1) {
    r.in6.sin6_family = AF_INET6;
    r.in6.sin6_port = htons((uint16_t)port);
  } else {
    return throw_type(env, "rtpio: host must be an IPv4 or IPv6 address literal");
  }
  if (fd < 0 || port < 1 || port > 65535) return throw_type(env, fd < 0 ? "rtpio: fd must be >= 0" : "rtpio: port must be in 1..65535");
  if ((size_t)fd >= io->remotes_cap) {
    size_t cap = io->remotes_cap ? io->remotes_cap : 64;
    while (cap <= (size_t)fd) cap *= 2;
    Remote *grown = realloc(io->remotes, cap * sizeof *grown);
    if (!grown) return throw_errno(env, "setRemote", fd, ENOMEM);
    memset(grown + io->remotes_cap, 0, (cap - io->remotes_cap) * sizeof *grown);
    io->remotes = grown;
    io->remotes_cap = cap;
  }
  io->remotes[fd] = r;
  return NULL;
}

static napi_value make_count(napi_env env, int64_t n) {
  napi_value v;
  CHECK(env, napi_create_int64(env, n, &v));
  return v;
}

static void count_send_error(Io *io, int err) {
  io->send_errors++;
  io->last_send_errno = err;
}

#ifdef VOICELOAD_URING
/*
 * Sends the batch through the ring, URING_ENTRIES at a time, and waits for every completion before
 * returning: the packets live in the caller's buffer, which is reused by the next flush. MSG_DONTWAIT
 * makes a full socket buffer complete at once with -EAGAIN (counted) instead of waiting for room.
 */
static int64_t send_uring(Io *io, const uint8_t *data, const int32_t *meta, int32_t count) {
  int64_t sent = 0;
  int32_t i = 0;
  while (i < count) {
    unsigned queued = 0;
    for (; i < count && queued < URING_ENTRIES; i++) {
      int32_t fd = meta[3 * i];
      const Remote *r = fd >= 0 && (size_t)fd < io->remotes_cap ? &io->remotes[fd] : NULL;
      if (!r || r->sa.sa_family == AF_UNSPEC) {
        count_send_error(io, EDESTADDRREQ);
        continue;
      }
      struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);
      if (!sqe) break; /* cannot happen: the queue is drained after every submission */
      struct iovec *v = &io->send_iovs[queued];
      v->iov_base = (void *)(data + meta[3 * i + 1]);
      v->iov_len = (size_t)meta[3 * i + 2];
      struct msghdr *m = &io->send_msgs[queued];
      *m = (struct msghdr){.msg_name = (void *)&r->sa,
                           .msg_namelen = r->sa.sa_family == AF_INET ? sizeof r->in4 : sizeof r->in6,
                           .msg_iov = v,
                           .msg_iovlen = 1};
      io_uring_prep_sendmsg(sqe, fd, m, MSG_DONTWAIT);
      queued++;
    }
    if (queued == 0) continue;
    int rc;
    do rc = io_uring_submit_and_wait(&io->ring, queued);
    while (rc == -EINTR);
    if (rc < 0) {
      /* The ring itself failed (not one send): nothing of this chunk is known to have left. Its
       * entries are never submitted now: this io sends with sendto from here on. */
      io->send_errors += queued;
      io->last_send_errno = -rc;
      io->uring = false;
      io_uring_queue_exit(&io->ring);
      return sent;
    }
    unsigned seen = 0;
    while (seen < queued) {
      struct io_uring_cqe *cqe;
      int w = io_uring_wait_cqe(&io->ring, &cqe);
      if (w < 0) {
        if (w == -EINTR) continue;
        break;
      }
      if (cqe->res < 0) count_send_error(io, -cqe->res);
      else sent++;
      io_uring_cqe_seen(&io->ring, cqe);
      seen++;
    }
  }
  return sent;
}
#endif

static napi_value send_batch(napi_env env, napi_callback_info info) {
  ARGS(4);
  Io *io = get_io(env, argv[0], true);
  uint8_t *data;
  int32_t *meta, count;
  size_t data_len, meta_len;
  if (!io || !get_array(env, argv[1], napi_uint8_array, "data", (void **)&data, &data_len) ||
      !get_array(env, argv[2], napi_int32_array, "meta", (void **)&meta, &meta_len) ||
      !get_int(env, argv[3], "count", &count)) return NULL;
  if (count < 0 || (size_t)count > meta_len / 3) return throw_range(env, "rtpio: count must be in 0..meta.length/3");
  /* Check the whole batch first, so a bad entry throws before any packet has left. */
  for (int32_t i = 0; i < count; i++) {
    int64_t off = meta[3 * i + 1], len = meta[3 * i + 2];
    if (off < 0 || len < 0 || off + len > (int64_t)data_len) return throw_range(env, "rtpio: packet offset/length outside data");
  }
  int64_t sent = 0;
#ifdef VOICELOAD_URING
  if (io->uring) {
    sent = send_uring(io, data, meta, count);
    io->packets_sent += sent;
    return make_count(env, sent);
  }
  /* (A ring that failed mid-batch left the rest of that batch unsent: counted as errors above.) */
#endif
  for (int32_t i = 0; i < count; i++) {
    int32_t fd = meta[3 * i];
    const Remote *r = fd >= 0 && (size_t)fd < io->remotes_cap ? &io->remotes[fd] : NULL;
    int err = 0;
    if (!r || r->sa.sa_family == AF_UNSPEC) {
      err = EDESTADDRREQ;
    } else {
      socklen_t alen = r->sa.sa_family == AF_INET ? sizeof r->in4 : sizeof r->in6;
      if (sendto(fd, data + meta[3 * i + 1], (size_t)meta[3 * i + 2], MSG_DONTWAIT, &r->sa, alen) < 0) err = errno;
    }
    /* A load tester keeps going when one peer is gone or a queue is full: count, never throw. */
    if (err) {
      count_send_error(io, err);
    } else {
      sent++;
    }
  }
  io->packets_sent += sent;
  return make_count(env, sent);
}

/* The SO_TIMESTAMPNS arrival time of a received message, in ns, or -1 when it carried none. */
static int64_t rx_time_ns(struct msghdr *m) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
  }
  return -1;
}

/* Points recvmmsg slot k at data + k*slot. The JS side reuses one buffer for every drain, so this is
 * done once per buffer rather than for every slot on every drain (a few thousand slots, 500 drains/s). */
static void prepare_slots(Io *io, uint8_t *data, size_t slot, size_t cap) {
  if (data != io->prep_data || slot != io->prep_slot) io->prep_count = 0;
  for (size_t k = io->prep_count; k < cap; k++) {
    io->iovs[k] = (struct iovec){.iov_base = data + k * slot, .iov_len = slot};
    io->msgs[k].msg_hdr = (struct msghdr){.msg_iov = &io->iovs[k], .msg_iovlen = 1,
                                          .msg_control = io->ctrl + k * CTRL_BYTES, .msg_controllen = CTRL_BYTES};
  }
  io->prep_data = data;
  io->prep_slot = slot;
  if (cap > io->prep_count) io->prep_count = cap;
}

#ifdef VOICELOAD_URING
/*
 * One recvmsg per ready socket, all in one submission (recvmmsg would be a system call per socket,
 * and at 2 ms drains a socket rarely holds more than one packet). A socket that gave a packet may
 * hold more: it gets another round, up to `rounds`; what stays behind is reported by the
 * level-triggered epoll at the next drain, and its kernel timestamp keeps its arrival time exact.
 * Returns the packets stored at slots 0..n-1, the same layout as the recvmmsg path.
 */
static size_t drain_uring(Io *io, const struct epoll_event *events, int nev, uint8_t *data, int32_t *meta, size_t slot,
                          size_t cap, int64_t now_ns, int rounds) {
  int fds[MAX_EVENTS], ids[MAX_EVENTS], res[MAX_EVENTS];
  int live = 0;
  for (int e = 0; e < nev; e++) {
    fds[live] = (int)(uint32_t)events[e].data.u64;
    ids[live] = (int32_t)(uint32_t)(events[e].data.u64 >> 32);
    live++;
  }
  size_t n = 0;
  for (int round = 0; round < rounds && live > 0 && n < cap; round++) {
    int k = 0;
    for (; k < live && n + (size_t)k < cap && k < URING_ENTRIES; k++) {
      struct io_uring_sqe *sqe = io_uring_get_sqe(&io->ring);
      if (!sqe) break;
      io_uring_prep_recvmsg(sqe, fds[k], &io->msgs[n + (size_t)k].msg_hdr, MSG_DONTWAIT);
      sqe->user_data = (uint64_t)k;
      res[k] = -EAGAIN;
    }
    if (k == 0) break;
    int rc;
    do rc = io_uring_submit_and_wait(&io->ring, (unsigned)k);
    while (rc == -EINTR);
    if (rc < 0) {
      io->recv_errors++;
      io->uring = false; /* unsubmitted entries are never submitted now; recvmmsg from here on */
      io_uring_queue_exit(&io->ring);
      return n;
    }
    for (int seen = 0; seen < k;) {
      struct io_uring_cqe *cqe;
      int w = io_uring_wait_cqe(&io->ring, &cqe);
      if (w == -EINTR) continue;
      if (w < 0) break;
      if (cqe->user_data < (uint64_t)k) res[cqe->user_data] = cqe->res;
      io_uring_cqe_seen(&io->ring, cqe);
      seen++;
    }
    /* Keep the packets in order at slots n, n+1, ...; sockets that gave one go round again. */
    size_t base = n;
    int again = 0;
    for (int j = 0; j < k; j++) {
      struct mmsghdr *m = &io->msgs[base + (size_t)j];
      if (res[j] < 0) {
        if (res[j] != -EAGAIN && res[j] != -EWOULDBLOCK) io->recv_errors++;
      } else if (m->msg_hdr.msg_flags & MSG_TRUNC) {
        io->truncated++;
        fds[again] = fds[j], ids[again] = ids[j], again++;
      } else {
        int64_t rx = rx_time_ns(&m->msg_hdr), age = -1;
        if (rx >= 0) {
          age = (now_ns - rx) / 1000;
          age = age < 0 ? 0 : age > INT32_MAX ? INT32_MAX : age;
        }
        if (base + (size_t)j != n) memmove(data + n * slot, data + (base + (size_t)j) * slot, (size_t)res[j]);
        meta[4 * n] = ids[j];
        meta[4 * n + 1] = (int32_t)(n * slot);
        meta[4 * n + 2] = res[j];
        meta[4 * n + 3] = (int32_t)age;
        n++;
        fds[again] = fds[j], ids[again] = ids[j], again++;
      }
      m->msg_hdr.msg_controllen = CTRL_BYTES;
      m->msg_hdr.msg_flags = 0;
    }
    /* Sockets beyond this round's capacity were not asked: they stay ready in epoll. */
    live = again;
  }
  return n;
}
#endif

static napi_value drain(napi_env env, napi_callback_info info) {
  ARGS(5);
  Io *io = get_io(env, argv[0], true);
  uint8_t *data;
  int32_t *meta, slot;
  size_t data_len, meta_len;
  if (!io || !get_array(env, argv[1], napi_uint8_array, "data", (void **)&data, &data_len) ||
      !get_array(env, argv[2], napi_int32_array, "meta", (void **)&meta, &meta_len) ||
      !get_int(env, argv[3], "slotBytes", &slot)) return NULL;
  if (slot < 1) return throw_range(env, "rtpio: slotBytes must be >= 1");
  /* Optional: how many packets one socket may give per drain through io_uring (default 1). */
  int32_t rounds = 1;
  napi_valuetype t5;
  CHECK(env, napi_typeof(env, argv[4], &t5));
  if (t5 != napi_undefined && !get_int(env, argv[4], "rounds", &rounds)) return NULL;
  if (rounds < 1 || rounds > 64) return throw_range(env, "rtpio: rounds must be in 1..64");
  size_t cap = meta_len / 4;
  if (data_len / (size_t)slot < cap) cap = data_len / (size_t)slot;
  if (io->max_packets < cap) cap = io->max_packets;
  io->drains++;

  struct epoll_event events[MAX_EVENTS];
  int nev = cap ? epoll_wait(io->epfd, events, MAX_EVENTS, 0) : 0;
  if (nev < 0) io->recv_errors++;
  if (nev <= 0) return make_count(env, 0);

  prepare_slots(io, data, (size_t)slot, cap);
  struct timespec now_ts;
  clock_gettime(CLOCK_REALTIME, &now_ts);
  int64_t now_ns = (int64_t)now_ts.tv_sec * 1000000000 + now_ts.tv_nsec;

#ifdef VOICELOAD_URING
  if (io->uring) {
    size_t got = drain_uring(io, events, nev, data, meta, (size_t)slot, cap, now_ns, rounds);
    io->packets_drained += (int64_t)got;
    return make_count(env, (int64_t)got);
  }
#else
  (void)rounds; /* recvmmsg reads every queued packet of a socket anyway */
#endif

  size_t n = 0;
  for (int e = 0; e < nev && n < cap; e++) {
    int fd = (int)(uint32_t)events[e].data.u64;
    int32_t id = (int32_t)(uint32_t)(events[e].data.u64 >> 32);
    bool retried = false;
    while (n < cap) {
      size_t want = cap - n;
      int got = recvmmsg(fd, &io->msgs[n], (unsigned)want, MSG_DONTWAIT, NULL);
      if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        io->recv_errors++;
        /* An ICMP port-unreachable from an earlier send surfaces once as ECONNREFUSED and is then
         * cleared: read on. Any other error: move to the next fd (level-triggered, so no loss). */
        if ((errno == ECONNREFUSED || errno == EINTR) && !retried) {
          retried = true;
          continue;
        }
        break;
      }
      size_t start = n;
      for (int j = 0; j < got; j++) {
        struct mmsghdr *m = &io->msgs[start + (size_t)j];
        if (m->msg_hdr.msg_flags & MSG_TRUNC) {
          io->truncated++;
          continue;
        }
        /* Keep packet k at offset k*slotBytes: move it down over any truncated one before it. */
        if (start + (size_t)j != n) memmove(data + n * (size_t)slot, m->msg_hdr.msg_iov->iov_base, m->msg_len);
        int64_t rx = rx_time_ns(&m->msg_hdr), age = -1;
        if (rx >= 0) {
          age = (now_ns - rx) / 1000;
          age = age < 0 ? 0 : age > INT32_MAX ? INT32_MAX : age;
        }
        meta[4 * n] = id;
        meta[4 * n + 1] = (int32_t)(n * (size_t)slot);
        meta[4 * n + 2] = (int32_t)m->msg_len;
        meta[4 * n + 3] = (int32_t)age;
        n++;
      }
      /* The kernel shrank msg_controllen of the slots it filled; restore them for the next call. */
      for (size_t k = start; k < start + (size_t)got; k++) io->msgs[k].msg_hdr.msg_controllen = CTRL_BYTES;
      /* Fewer than asked means the kernel hit EAGAIN itself (a later error waits in sk_err for the
       * next call): asking again would only cost a syscall to learn the same. */
      if ((size_t)got < want) break;
    }
  }
  io->packets_drained += (int64_t)n;
  return make_count(env, (int64_t)n);
}

static napi_value stats(napi_env env, napi_callback_info info) {
  ARGS(1);
  Io *io = get_io(env, argv[0], false);
  if (!io) return NULL;
  napi_value obj;
  CHECK(env, napi_create_object(env, &obj));
  const struct { const char *name; int64_t value; } fields[] = {
      {"sendErrors", io->send_errors}, {"lastSendErrno", io->last_send_errno}, {"recvErrors", io->recv_errors},
      {"truncated", io->truncated},    {"drains", io->drains},                 {"packetsDrained", io->packets_drained},
      {"packetsSent", io->packets_sent},
#ifdef VOICELOAD_URING
      {"uring", io->uring ? 1 : 0},
#else
      {"uring", 0},
#endif
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    napi_value v;
    CHECK(env, napi_create_int64(env, fields[i].value, &v));
    CHECK(env, napi_set_named_property(env, obj, fields[i].name, v));
  }
  return obj;
}

static napi_value close_io(napi_env env, napi_callback_info info) {
  ARGS(1);
  Io *io = get_io(env, argv[0], false);
  if (io) io_close(io);
  return NULL;
}

NAPI_MODULE_INIT() {
  const struct { const char *name; napi_callback cb; } fns[] = {
      {"createIo", create_io}, {"add", add},     {"remove", remove_fd}, {"setRemote", set_remote},
      {"send", send_batch},    {"drain", drain}, {"stats", stats},      {"closeIo", close_io},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    CHECK(env, napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn));
    CHECK(env, napi_set_named_property(env, exports, fns[i].name, fn));
  }
  return exports;
}
