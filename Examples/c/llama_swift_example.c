/*
 * An example of LlamaSwift's C API (Sources/LlamaSwiftC/include/llama_swift.h).
 *
 *   llama_swift_example generate MODEL PROMPT N   greedy text of N tokens, printed as it comes
 *   llama_swift_example cancel MODEL PROMPT K     stops from the callback after K pieces
 *   llama_swift_example errors MODEL              a missing file, NULL handles, malformed JSON
 *   llama_swift_example config FILE PROMPT        everything from one configuration file
 *   llama_swift_example roundtrip MODEL PROMPT STATE   tokens and back; state saved and restored
 *
 * Build: cc -I Sources/LlamaSwiftC/include Examples/c/llama_swift_example.c \
 *          -L "$LIBDIR" -lLlamaSwiftC -Wl,-rpath,"$LIBDIR" -o llama_swift_example
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama_swift.h"

/* Prints each piece as it arrives. */
static int print_piece(const char *piece, void *user_data) {
    (void)user_data;
    fputs(piece, stdout);
    fflush(stdout);
    return 0;
}

/* Prints pieces until the count in *user_data runs out, then asks to stop. */
static int print_until(const char *piece, void *user_data) {
    int *left = user_data;
    fputs(piece, stdout);
    *left -= 1;
    return *left <= 0;
}

/* A JSON string literal of text, which the caller frees. */
static char *json_string(const char *text) {
    size_t length = strlen(text);
    char *out = malloc(length * 6 + 3), *p = out;
    if (out == NULL) return NULL;
    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\') { *p++ = '\\'; *p++ = (char)*c; }
        else if (*c < 0x20) { p += sprintf(p, "\\u%04x", *c); }
        else { *p++ = (char)*c; }
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

/* Loads MODEL with one thread (the configuration every mode but "config" uses). */
static llama_swift_model *load(const char *path, char **error) {
    char *quoted = json_string(path);
    char *config = malloc(strlen(quoted) + 32);
    sprintf(config, "{\"model\": %s, \"threads\": 1}", quoted);
    llama_swift_model *model = llama_swift_model_load(config, error);
    free(config);
    free(quoted);
    return model;
}

static int fail(const char *what, char *error) {
    fprintf(stderr, "%s: %s\n", what, error ? error : "(no message)");
    llama_swift_string_free(error);
    return 1;
}

static int generate(const char *path, const char *prompt, int n, int cancel_after) {
    char *error = NULL;
    llama_swift_model *model = load(path, &error);
    if (model == NULL) return fail("load", error);
    llama_swift_session *session = llama_swift_session_create(model, NULL, &error);
    if (session == NULL) return fail("session", error);
    char parameters[64];
    snprintf(parameters, sizeof parameters, "{\"temperature\": 0, \"max_tokens\": %d}", n);
    int left = cancel_after;
    int status = cancel_after > 0
        ? llama_swift_generate(session, prompt, parameters, print_until, &left, &error)
        : llama_swift_generate(session, prompt, parameters, print_piece, NULL, &error);
    printf("\n");
    if (status < 0) return fail("generate", error);
    if (cancel_after > 0) {
        if (status != 1) { fprintf(stderr, "generate returned %d, expected 1 (stopped)\n", status); return 1; }
        fprintf(stderr, "stopped after %d pieces\n", cancel_after);
    } else if (status != 0) {
        fprintf(stderr, "generate returned %d, expected 0\n", status);
        return 1;
    }
    llama_swift_session_free(session);
    llama_swift_model_free(model);
    return 0;
}

/* Each call must fail with a message, not crash. */
static int errors(const char *path) {
    int failures = 0;
    char *error = NULL;
#define EXPECT_ERROR(what, call)                                                    \
    do {                                                                            \
        error = NULL;                                                               \
        if (!(call) || error == NULL) { fprintf(stderr, "no error: %s\n", what); failures++; } \
        else { printf("%s: %s\n", what, error); }                                   \
        llama_swift_string_free(error);                                             \
    } while (0)

    EXPECT_ERROR("missing file", llama_swift_model_load("{\"model\": \"/nonexistent/model.gguf\"}", &error) == NULL);
    EXPECT_ERROR("malformed JSON", llama_swift_model_load("{\"model\": ", &error) == NULL);
    EXPECT_ERROR("unknown key", llama_swift_model_load("{\"modle\": \"x.gguf\"}", &error) == NULL);
    EXPECT_ERROR("NULL config", llama_swift_model_load(NULL, &error) == NULL);
    EXPECT_ERROR("NULL model", llama_swift_session_create(NULL, NULL, &error) == NULL);
    EXPECT_ERROR("NULL session", llama_swift_generate(NULL, "x", NULL, print_piece, NULL, &error) == -1);
    int not_a_handle = 0;
    EXPECT_ERROR("foreign handle",
                 llama_swift_generate((llama_swift_session *)&not_a_handle, "x", NULL, print_piece, NULL, &error) == -1);

    llama_swift_model *model = load(path, &error);
    if (model == NULL) return fail("load", error);
    llama_swift_session *session = llama_swift_session_create(model, NULL, &error);
    if (session == NULL) return fail("session", error);
    EXPECT_ERROR("malformed parameters", llama_swift_generate(session, "x", "{\"max_tokens\": }", print_piece, NULL, &error) == -1);
    EXPECT_ERROR("parameter out of range", llama_swift_generate(session, "x", "{\"top_p\": 2}", print_piece, NULL, &error) == -1);
    EXPECT_ERROR("malformed messages", llama_swift_chat(session, "[{\"role\": 1}]", NULL, print_piece, NULL, &error) == -1);
    llama_swift_session_free(session);
    EXPECT_ERROR("freed session", llama_swift_generate(session, "x", NULL, print_piece, NULL, &error) == -1);
    /* A new session may reuse the freed one's memory; the freed handle must stay dead. */
    llama_swift_session *other = llama_swift_session_create(model, NULL, &error);
    EXPECT_ERROR("freed session after a new one", llama_swift_generate(session, "x", NULL, print_piece, NULL, &error) == -1);
    llama_swift_session_free(other);
    llama_swift_session_free(session); /* a second free is harmless */
    llama_swift_model_free(model);
    EXPECT_ERROR("freed model", llama_swift_session_create(model, NULL, &error) == NULL);
    char *last = llama_swift_last_error();
    if (last == NULL) { fprintf(stderr, "llama_swift_last_error returned NULL\n"); failures++; }
    llama_swift_string_free(last);
    llama_swift_session_free(NULL);
    llama_swift_model_free(NULL);
    llama_swift_string_free(NULL);
    return failures != 0;
#undef EXPECT_ERROR
}

/* Tokens there and back, and a session's state saved, forgotten and restored. */
static int roundtrip(const char *path, const char *prompt, const char *state) {
    char *error = NULL;
    llama_swift_model *model = load(path, &error);
    if (model == NULL) return fail("load", error);
    int64_t count = llama_swift_tokenize(model, prompt, 1, 0, NULL, 0, &error);
    if (count < 0) return fail("tokenize", error);
    int32_t *tokens = malloc(sizeof(int32_t) * (size_t)count);
    if (llama_swift_tokenize(model, prompt, 0, 0, tokens, (size_t)count, &error) < 0) return fail("tokenize", error);
    int64_t without_bos = llama_swift_tokenize(model, prompt, 0, 0, NULL, 0, &error);
    char *text = llama_swift_detokenize(model, tokens, (size_t)without_bos, &error);
    if (text == NULL) return fail("detokenize", error);
    printf("tokens %lld, text \"%s\"\n", (long long)count, text);
    llama_swift_string_free(text);
    free(tokens);

    llama_swift_session *session = llama_swift_session_create(model, "{\"context_size\": 64}", &error);
    if (session == NULL) return fail("session", error);
    if (llama_swift_generate(session, prompt, "{\"temperature\": 0, \"max_tokens\": 8}", NULL, NULL, &error) != 0) return fail("generate", error);
    if (llama_swift_session_save(session, state, &error) != 0) return fail("save", error);
    if (llama_swift_session_reset(session, &error) != 0) return fail("reset", error);
    int64_t restored = llama_swift_session_restore(session, state, &error);
    if (restored < 0) return fail("restore", error);
    printf("restored %lld tokens\n", (long long)restored);
    llama_swift_session_free(session);
    llama_swift_model_free(model);
    return 0;
}

/* Model, session and generation all configured by FILE. */
static int config(const char *file, const char *prompt) {
    FILE *f = fopen(file, "rb");
    if (f == NULL) { perror(file); return 1; }
    char text[1 << 16];
    size_t length = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[length] = '\0';
    char *error = NULL;
    llama_swift_model *model = llama_swift_model_load(text, &error);
    if (model == NULL) return fail("load", error);
    llama_swift_session *session = llama_swift_session_create(model, NULL, &error);
    if (session == NULL) return fail("session", error);
    fprintf(stderr, "context size %lld\n", (long long)llama_swift_session_context_size(session));
    int status = llama_swift_generate(session, prompt, NULL, print_piece, NULL, &error);
    printf("\n");
    if (status != 0) return fail("generate", error);
    llama_swift_session_free(session);
    llama_swift_model_free(model);
    return 0;
}

int main(int argc, char **argv) {
    if (llama_swift_api_version() != LLAMA_SWIFT_API_VERSION) {
        fprintf(stderr, "library API version %d, header %d\n", llama_swift_api_version(), LLAMA_SWIFT_API_VERSION);
        return 1;
    }
    if (argc == 5 && strcmp(argv[1], "generate") == 0) return generate(argv[2], argv[3], atoi(argv[4]), 0);
    if (argc == 5 && strcmp(argv[1], "cancel") == 0) return generate(argv[2], argv[3], 1000, atoi(argv[4]));
    if (argc == 3 && strcmp(argv[1], "errors") == 0) return errors(argv[2]);
    if (argc == 4 && strcmp(argv[1], "config") == 0) return config(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "roundtrip") == 0) return roundtrip(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: %s generate MODEL PROMPT N | cancel MODEL PROMPT K | errors MODEL | config FILE PROMPT | roundtrip MODEL PROMPT STATE\n", argv[0]);
    return 2;
}
