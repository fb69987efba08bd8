/*
 * llama_swift.h: the C API of LlamaSwift, a GGUF inference engine written in Swift.
 *
 * Link against libLlamaSwiftC (the `LlamaSwiftC` product: `swift build -c release --product
 * LlamaSwiftC`). Examples/c and Examples/python use it.
 *
 * Configuration. Models, sessions and generation take the JSON object `llama-swift --config`
 * reads (README, "Configuration"): flat snake_case keys such as {"model": "m.gguf", "backend":
 * "cpu", "threads": 4, "context_size": 2048, "temperature": 0, "max_tokens": 64}. The object a
 * model is loaded with is also the default of its sessions, and a session's of its generations,
 * so one file configures everything. An unknown key, or a value of the wrong type or out of range,
 * is an error naming the key.
 *
 * Errors. Every function that can fail says so by its return value (NULL, -1) and, when its
 * `error` argument is not NULL, stores a message in *error that the caller frees with
 * llama_swift_string_free. llama_swift_last_error gives the calling thread's last message too.
 * NULL arguments, handles that are not live (never returned, or already freed) and malformed
 * JSON are errors, never crashes.
 *
 * Threads. Every function may be called from any thread. A model may be used by several threads
 * at once, and its sessions may be used from different threads at the same time (their passes
 * take turns on the model's worker threads). One session runs one call
 * at a time: a call on a session that is busy in another thread fails with an error. The piece
 * callback runs on the thread that called llama_swift_generate or llama_swift_chat, and the piece
 * it receives is valid only during the callback. Freeing a model while its sessions live is
 * allowed (they keep what they need); freeing a session while a call on it runs lets that call
 * finish first.
 *
 * Logging. The library's messages go to standard error at the level LLAMA_SWIFT_LOG_LEVEL
 * names (trace, debug, info, notice, warning, error, critical; default warning), read at the
 * first llama_swift_model_load. This sets up swift-log for the process, so a Swift program that
 * sets up its own logging should call the Swift API rather than this one.
 */
#ifndef LLAMA_SWIFT_H
#define LLAMA_SWIFT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface; llama_swift_api_version() returns the library's. */
#define LLAMA_SWIFT_API_VERSION 1

typedef struct llama_swift_model llama_swift_model;
typedef struct llama_swift_session llama_swift_session;

/* Called with each UTF-8 piece of generated text; return non-zero to stop. Where a function takes
   one, it may be NULL: the text is generated and dropped. The callback must not call the API on
   the session it is generating with (that call fails: the session is busy). */
typedef int (*llama_swift_piece_fn)(const char *piece, void *user_data);

/* The LLAMA_SWIFT_API_VERSION the library was built with. */
int llama_swift_api_version(void);

/* config_json: {"model": PATH, "backend": "cpu"|..., "threads": N, ...}. NULL on failure,
   with *error (if error is not NULL) set to a message the caller frees. With "hf_repo"
   instead of "model", the file comes from the download cache, downloaded first unless
   "offline" is true. */
llama_swift_model *llama_swift_model_load(const char *config_json, char **error);

/* config_json may be NULL: {"context_size": N, ...} (session and sampling keys; the model's
   configuration fills in the rest). */
llama_swift_session *llama_swift_session_create(llama_swift_model *model,
                                                const char *config_json, char **error);

/* parameters_json may be NULL: {"max_tokens": N, "temperature": T, "seed": S, ...}.
   Returns 0 when done, 1 when the callback stopped it, -1 on error (*error set).
   The prompt is continued after the tokens the session already holds where they match. */
int llama_swift_generate(llama_swift_session *session, const char *prompt,
                         const char *parameters_json, llama_swift_piece_fn on_piece,
                         void *user_data, char **error);

/* Answers a conversation rendered with the model's chat template (or the configuration's
   "chat_template"): messages_json is an array of {"role": "system"|"user"|"assistant"|"tool",
   "content": TEXT}. Returns as llama_swift_generate does. */
int llama_swift_chat(llama_swift_session *session, const char *messages_json,
                     const char *parameters_json, llama_swift_piece_fn on_piece,
                     void *user_data, char **error);

/* The token ids of text (add_special: the BOS/EOS the model asks for; parse_special: read
   special-token text such as "<|eot_id|>" as that token). Writes at most capacity ids to tokens
   (which may be NULL when capacity is 0) and returns how many the text has, or -1 on error. */
int64_t llama_swift_tokenize(llama_swift_model *model, const char *text, int add_special,
                             int parse_special, int32_t *tokens, size_t capacity, char **error);

/* The text of count token ids, which the caller frees with llama_swift_string_free; NULL on
   error (an id outside the vocabulary, say). */
char *llama_swift_detokenize(llama_swift_model *model, const int32_t *tokens, size_t count,
                             char **error);

/* The positions a session holds, or -1 for a handle that is not live. */
int64_t llama_swift_session_context_size(llama_swift_session *session);

/* Writes the session's cached tokens and their keys and values to path (replacing it whole, never
   leaving half a file). 0 on success, -1 on error. */
int llama_swift_session_save(llama_swift_session *session, const char *path, char **error);

/* Loads a state written by llama_swift_session_save for the same model; returns the number of
   tokens restored, or -1 on error (the file is damaged, or of another model). */
int64_t llama_swift_session_restore(llama_swift_session *session, const char *path, char **error);

/* Forgets every cached token. 0 on success, -1 for a handle that is not live or busy. */
int llama_swift_session_reset(llama_swift_session *session, char **error);

/* A copy of the last error message of the calling thread (the caller frees it), or NULL when no
   call on this thread has failed. */
char *llama_swift_last_error(void);

void llama_swift_session_free(llama_swift_session *session);   /* NULL is fine */
void llama_swift_model_free(llama_swift_model *model);         /* NULL is fine */
void llama_swift_string_free(char *string);                    /* NULL is fine */

#ifdef __cplusplus
}
#endif

#endif /* LLAMA_SWIFT_H */
