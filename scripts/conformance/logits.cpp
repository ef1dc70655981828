// Greedy steps of llama.cpp on one GGUF file from given prompt tokens: at each step the `top`
// likeliest tokens with their log probabilities (the chosen one first), as one JSON object;
// it ends after STEPS steps or at an end-of-generation token.
// Built and run by scripts/record-conformance.sh; not part of Hearth.
//
// Usage: logits MODEL TOKENS(comma-separated) STEPS TOP FLASH(0|1) THREADS
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "llama.h"

static void quiet(ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

int main(int argc, char ** argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s MODEL TOKENS STEPS TOP FLASH THREADS\n", argv[0]);
        return 2;
    }
    std::vector<llama_token> tokens;
    std::stringstream list(argv[2]);
    for (std::string t; std::getline(list, t, ',');) tokens.push_back(std::stoi(t));
    const int steps = std::atoi(argv[3]), top = std::atoi(argv[4]), threads = std::atoi(argv[6]);

    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model * model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (!model) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    llama_context_params params = llama_context_default_params();
    // Within the original context of every family (Phi-3's short rope factors), as Hearth runs.
    params.n_ctx = 4096;
    params.n_batch = 4096;
    params.n_ubatch = 512;
    params.n_threads = params.n_threads_batch = threads;
    params.flash_attn_type = std::atoi(argv[5]) ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    llama_context * ctx = llama_init_from_model(model, params);
    if (!ctx) { fprintf(stderr, "cannot make a context\n"); return 1; }
    const int vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));

    printf("{\"prompt\":[");
    for (size_t i = 0; i < tokens.size(); i++) printf("%s%d", i ? "," : "", tokens[i]);
    printf("],\"steps\":[");
    llama_batch batch = llama_batch_get_one(tokens.data(), (int) tokens.size());
    llama_token next = 0;
    for (int step = 0; step < steps; step++) {
        if (llama_decode(ctx, batch)) { fprintf(stderr, "decode failed\n"); return 1; }
        const float * logits = llama_get_logits_ith(ctx, -1);
        double max = *std::max_element(logits, logits + vocab), sum = 0;
        for (int i = 0; i < vocab; i++) sum += std::exp(logits[i] - max);
        const double log_total = max + std::log(sum);
        std::vector<int> order(vocab);
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + top, order.end(),
                          [&](int a, int b) { return logits[a] > logits[b]; });
        printf("%s[", step ? "," : "");
        for (int i = 0; i < top; i++)
            printf("%s[%d,%.6f]", i ? "," : "", order[i], logits[order[i]] - log_total);
        printf("]");
        next = order[0];
        // Hearth stops at an end token too; the steps after it would be compared with nothing.
        if (llama_vocab_is_eog(llama_model_get_vocab(model), next)) break;
        batch = llama_batch_get_one(&next, 1);
    }
    printf("]}\n");
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
