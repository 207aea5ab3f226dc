/*
 * A sender thread that puts queued datagrams on the wire at their due times (CLOCK_MONOTONIC).
 *
 * Why: a JS media clock sends late whenever its event loop is busy (a garbage collection, a burst of
 * call set-ups), and every stream's packets of that moment are late with it. Queued a few milliseconds
 * ahead, the packets leave on this thread's clock instead, whatever the JS thread is doing.
 *
 * The queue is FIFO in due order (the media clock schedules its slots in order); each entry holds a
 * copy of the bytes and of the destination, so nothing the caller owns is read after ts_schedule().
 */
#ifndef VOICELOAD_TIMED_SENDER_H
#define VOICELOAD_TIMED_SENDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Largest datagram the queue holds (G.711 at 40 ms ptime is 332 bytes). */
#define TS_MAX_BYTES 512

typedef struct TimedSender TimedSender;

typedef struct {
  int64_t sent, errors, last_errno, queue_full, records_dropped;
} TimedSenderStats;

/* A sender for up to `capacity` queued datagrams; its thread starts here. NULL: errno says why. */
TimedSender *ts_create(size_t capacity);

/* Queues one datagram for `due_ns` (CLOCK_MONOTONIC). -1 when the queue is full or the datagram is
 * larger than TS_MAX_BYTES: the caller sends it itself. */
int ts_schedule(TimedSender *ts, int fd, const struct sockaddr *to, socklen_t to_len, const uint8_t *bytes, size_t len,
                int64_t due_ns);

/* Drops every queued datagram of `fd`; returns once none of them is being sent, so the caller may
 * close the fd right after. */
void ts_cancel_fd(TimedSender *ts, int fd);

/* Moves up to `max` lateness records out: pairs (sent − due in µs, datagrams sent together). */
size_t ts_take_records(TimedSender *ts, int32_t *pairs, size_t max);

void ts_stats(TimedSender *ts, TimedSenderStats *out);

/* Stops and joins the thread; queued datagrams are dropped. */
void ts_destroy(TimedSender *ts);

int64_t ts_now_ns(void);

#endif
