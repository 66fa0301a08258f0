#ifndef CALLHOOK_CCURL_SHIM_H
#define CALLHOOK_CCURL_SHIM_H

#include <curl/curl.h>

/* Swift cannot call C variadic functions, so every curl_easy_setopt /
   curl_easy_getinfo / curl_multi_setopt form callhook uses gets a typed
   wrapper here. */

static inline CURLcode callhook_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode callhook_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode callhook_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
typedef size_t (*callhook_data_cb)(char *, size_t, size_t, void *);
static inline CURLcode callhook_easy_setopt_datacb(CURL *h, CURLoption o, callhook_data_cb cb) {
    return curl_easy_setopt(h, o, cb);
}
typedef int (*callhook_sockopt_cb)(void *, curl_socket_t, curlsocktype);
static inline CURLcode callhook_easy_setopt_sockoptcb(CURL *h, CURLoption o, callhook_sockopt_cb cb) {
    return curl_easy_setopt(h, o, cb);
}
static inline CURLcode callhook_easy_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode callhook_easy_getinfo_double(CURL *h, CURLINFO i, double *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode callhook_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode callhook_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLMcode callhook_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}
/* CURLMSG_DONE carries its result in a union Swift does not import well. */
static inline CURLcode callhook_msg_result(CURLMsg *msg) {
    return msg->data.result;
}
#endif
