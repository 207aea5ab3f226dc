/* See timed_sender.h. */
#define _GNU_SOURCE
#include "timed_sender.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef VOICELOAD_URING
#include <liburing.h>
#endif

/* Datagrams due within this much of the first one leave in the same batch. */
#define SLACK_NS 50000
/* Most datagrams sent per wake-up (one io_uring submission). */
#define BATCH 256
/* Lateness records kept until ts_take_records() (one per batch). */
#define RECORDS 8192

typedef struct {
  int fd; /* -1: cancelled */
  uint16_t len;
  socklen_t to_len;
  int64_t due_ns;
  struct sockaddr_storage to;
  uint8_t bytes[TS_MAX_BYTES];
} Entry;

struct TimedSender {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t wake; /* the thread: something was queued, or stop */
  pthread_cond_t idle; /* cancellers: the batch in flight is done */
  Entry *q;
  size_t cap, head, count, in_flight;
  bool stop;
  int32_t records[2 * RECORDS];
  size_t rec_head, rec_count;
  TimedSenderStats st;
#ifdef VOICELOAD_URING
  bool uring;
  struct io_uring ring;
  struct msghdr msgs[BATCH];
  struct iovec iovs[BATCH];
#endif
};

int64_t ts_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static Entry *at(TimedSender *ts, size_t i) { return &ts->q[(ts->head + i) % ts->cap]; }

/* Sends entries head..head+k-1 (stable: the producer only writes past `count`, cancellers wait for
 * in_flight to clear). Runs without the lock; the counters it touches are the thread's own until the
 * lock is taken again (ts_stats reads them under the lock). */
static void send_entries(TimedSender *ts, size_t k, int64_t *sent, int64_t *errors, int *last) {
  *sent = 0, *errors = 0, *last = 0;
#ifdef VOICELOAD_URING
  if (ts->uring) {
    unsigned queued = 0;
    for (size_t i = 0; i < k; i++) {
      Entry *e = at(ts, i);
      if (e->fd < 0) continue;
      struct io_uring_sqe *sqe = io_uring_get_sqe(&ts->ring);
      if (!sqe) break;
      ts->iovs[queued] = (struct iovec){.iov_base = e->bytes, .iov_len = e->len};
      ts->msgs[queued] = (struct msghdr){.msg_name = &e->to, .msg_namelen = e->to_len, .msg_iov = &ts->iovs[queued], .msg_iovlen = 1};
      io_uring_prep_sendmsg(sqe, e->fd, &ts->msgs[queued], MSG_DONTWAIT);
      queued++;
    }
    if (queued == 0) return;
    int rc;
    do rc = io_uring_submit_and_wait(&ts->ring, queued);
    while (rc == -EINTR);
    if (rc < 0) {
      *errors += queued, *last = -rc;
      return;
    }
    for (unsigned seen = 0; seen < queued;) {
      struct io_uring_cqe *cqe;
      int w = io_uring_wait_cqe(&ts->ring, &cqe);
      if (w == -EINTR) continue;
      if (w < 0) break;
      if (cqe->res < 0) (*errors)++, *last = -cqe->res;
      else (*sent)++;
      io_uring_cqe_seen(&ts->ring, cqe);
      seen++;
    }
    return;
  }
#endif
  for (size_t i = 0; i < k; i++) {
    Entry *e = at(ts, i);
    if (e->fd < 0) continue;
    if (sendto(e->fd, e->bytes, e->len, MSG_DONTWAIT, (struct sockaddr *)&e->to, e->to_len) < 0) (*errors)++, *last = errno;
    else (*sent)++;
  }
}

static void add_record(TimedSender *ts, int64_t late_ns, int32_t n) {
  if (ts->rec_count == RECORDS) {
    ts->rec_head = (ts->rec_head + 1) % RECORDS;
    ts->rec_count--;
    ts->st.records_dropped++;
  }
  size_t i = (ts->rec_head + ts->rec_count) % RECORDS;
  int64_t us = late_ns / 1000;
  ts->records[2 * i] = us > INT32_MAX ? INT32_MAX : us < INT32_MIN ? INT32_MIN : (int32_t)us;
  ts->records[2 * i + 1] = n;
  ts->rec_count++;
}

static void *run(void *arg) {
  TimedSender *ts = arg;
  pthread_mutex_lock(&ts->mu);
  while (!ts->stop) {
    if (ts->count == 0) {
      pthread_cond_wait(&ts->wake, &ts->mu);
      continue;
    }
    int64_t due = at(ts, 0)->due_ns;
    int64_t now = ts_now_ns();
    if (due > now + SLACK_NS) {
      struct timespec until = {.tv_sec = due / 1000000000, .tv_nsec = due % 1000000000};
      pthread_cond_timedwait(&ts->wake, &ts->mu, &until);
      continue;
    }
    size_t k = 0;
    while (k < ts->count && k < BATCH && at(ts, k)->due_ns <= now + SLACK_NS) k++;
    ts->in_flight = k;
    pthread_mutex_unlock(&ts->mu);
    int64_t sent, errors;
    int last;
    send_entries(ts, k, &sent, &errors, &last);
    int64_t sent_at = ts_now_ns();
    pthread_mutex_lock(&ts->mu);
    ts->st.sent += sent;
    if (errors) ts->st.errors += errors, ts->st.last_errno = last;
    /* One record per run of equal due times (one media slot), counting what really left. */
    for (size_t i = 0; i < k;) {
      int64_t d = at(ts, i)->due_ns;
      int32_t n = 0;
      for (; i < k && at(ts, i)->due_ns == d; i++) n += at(ts, i)->fd >= 0;
      if (n > 0) add_record(ts, sent_at - d, n);
    }
    ts->head = (ts->head + k) % ts->cap;
    ts->count -= k;
    ts->in_flight = 0;
    pthread_cond_broadcast(&ts->idle);
  }
  pthread_mutex_unlock(&ts->mu);
  return NULL;
}

TimedSender *ts_create(size_t capacity) {
  TimedSender *ts = calloc(1, sizeof *ts);
  if (!ts) return NULL;
  ts->q = calloc(capacity, sizeof *ts->q);
  ts->cap = capacity;
  pthread_condattr_t ca;
  int err = ts->q ? 0 : ENOMEM;
  if (!err) err = pthread_condattr_init(&ca);
  if (!err) {
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ts->wake, &ca);
    pthread_cond_init(&ts->idle, NULL);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&ts->mu, NULL);
#ifdef VOICELOAD_URING
    ts->uring = io_uring_queue_init(BATCH, &ts->ring, 0) == 0;
#endif
    err = pthread_create(&ts->thread, NULL, run, ts);
    if (err) {
#ifdef VOICELOAD_URING
      if (ts->uring) io_uring_queue_exit(&ts->ring);
#endif
      pthread_cond_destroy(&ts->wake);
      pthread_cond_destroy(&ts->idle);
      pthread_mutex_destroy(&ts->mu);
    }
  }
  if (err) {
    free(ts->q);
    free(ts);
    errno = err;
    return NULL;
  }
  return ts;
}

int ts_schedule(TimedSender *ts, int fd, const struct sockaddr *to, socklen_t to_len, const uint8_t *bytes, size_t len,
                int64_t due_ns) {
  if (len > TS_MAX_BYTES || to_len > sizeof(struct sockaddr_storage)) return -1;
  pthread_mutex_lock(&ts->mu);
  if (ts->count == ts->cap) {
    ts->st.queue_full++;
    pthread_mutex_unlock(&ts->mu);
    return -1;
  }
  Entry *e = at(ts, ts->count);
  e->fd = fd;
  e->len = (uint16_t)len;
  e->to_len = to_len;
  e->due_ns = due_ns;
  memcpy(&e->to, to, to_len);
  memcpy(e->bytes, bytes, len);
  /* FIFO in due order: only an empty queue changes what the thread waits for. */
  if (ts->count++ == 0) pthread_cond_signal(&ts->wake);
  pthread_mutex_unlock(&ts->mu);
  return 0;
}

void ts_cancel_fd(TimedSender *ts, int fd) {
  pthread_mutex_lock(&ts->mu);
  while (ts->in_flight) pthread_cond_wait(&ts->idle, &ts->mu);
  for (size_t i = 0; i < ts->count; i++) {
    if (at(ts, i)->fd == fd) at(ts, i)->fd = -1;
  }
  pthread_mutex_unlock(&ts->mu);
}

size_t ts_take_records(TimedSender *ts, int32_t *pairs, size_t max) {
  pthread_mutex_lock(&ts->mu);
  size_t n = ts->rec_count < max ? ts->rec_count : max;
  for (size_t i = 0; i < n; i++) {
    size_t j = (ts->rec_head + i) % RECORDS;
    pairs[2 * i] = ts->records[2 * j];
    pairs[2 * i + 1] = ts->records[2 * j + 1];
  }
  ts->rec_head = (ts->rec_head + n) % RECORDS;
  ts->rec_count -= n;
  pthread_mutex_unlock(&ts->mu);
  return n;
}

void ts_stats(TimedSender *ts, TimedSenderStats *out) {
  pthread_mutex_lock(&ts->mu);
  *out = ts->st;
  pthread_mutex_unlock(&ts->mu);
}

void ts_destroy(TimedSender *ts) {
  if (!ts) return;
  pthread_mutex_lock(&ts->mu);
  ts->stop = true;
  pthread_cond_signal(&ts->wake);
  pthread_mutex_unlock(&ts->mu);
  pthread_join(ts->thread, NULL);
#ifdef VOICELOAD_URING
  if (ts->uring) io_uring_queue_exit(&ts->ring);
#endif
  pthread_cond_destroy(&ts->wake);
  pthread_cond_destroy(&ts->idle);
  pthread_mutex_destroy(&ts->mu);
  free(ts->q);
  free(ts);
}
