/*
 * The query clock: wall time, or a manual clock that tests and embedders advance
 * explicitly so triggers and the rate source never depend on sleeping.
 */
#include <time.h>

#include "stream/stream.h"

void weir_clock_init(weir_clock *c, bool manual, int64_t start_ms)
{
    c->manual = manual;
    c->manual_ms = start_ms;
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
}

void weir_clock_destroy(weir_clock *c)
{
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t weir_clock_now_ms(weir_clock *c)
{
    if (!c->manual) return wall_ms();
    pthread_mutex_lock(&c->mu);
    int64_t t = c->manual_ms;
    pthread_mutex_unlock(&c->mu);
    return t;
}

void weir_clock_advance(weir_clock *c, int64_t ms)
{
    pthread_mutex_lock(&c->mu);
    c->manual_ms += ms;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void weir_clock_wake(weir_clock *c)
{
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

bool weir_clock_wait_until(weir_clock *c, int64_t until_ms, const volatile bool *stop)
{
    pthread_mutex_lock(&c->mu);
    bool reached = false;
    for (;;) {
        if (stop && *stop) break;
        int64_t now = c->manual ? c->manual_ms : wall_ms();
        if (now >= until_ms) {
            reached = true;
            break;
        }
        if (c->manual) {
            pthread_cond_wait(&c->cv, &c->mu);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t wait = until_ms - now;
            if (wait > 100) wait = 100; /* re-check the wall clock and *stop regularly */
            ts.tv_sec += wait / 1000;
            ts.tv_nsec += (wait % 1000) * 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return reached;
}
