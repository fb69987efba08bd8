/// The named chat formats, for models whose file has no `tokenizer.chat_template` (or to
/// override it). Each is written here as Jinja from the format's public description (the
/// model card or paper named beside it); names follow llama.cpp's where it has one.
///
/// Every text below writes only through `{{- ... -}}` and strips around its tags, so the
/// output is exactly the strings shown, with nothing from the template's own layout.
public enum BuiltInChatTemplates {
    /// Jinja source by canonical name.
    public static let sources: [String: String] = [
        // LLaMA 2 chat (Meta's llama repo, chat_completion): the first turn opens with
        // "[INST] <<SYS>>\n{system}\n<</SYS>>\n\n", each user turn ends " [/INST]", each answer
        // ends with EOS, and the next turn opens again with BOS "[INST] ".
        "llama2": """
            {%- set ns = namespace(open=false) -%}
            {%- for message in messages -%}
            {%- if not ns.open -%}{{- bos_token + '[INST] ' -}}{%- set ns.open = true -%}{%- endif -%}
            {%- if message.role == 'system' -%}{{- '<<SYS>>\\n' + message.content + '\\n<</SYS>>\\n\\n' -}}
            {%- elif message.role == 'user' -%}{{- message.content + ' [/INST]' -}}
            {%- else -%}{{- message.content + eos_token -}}{%- set ns.open = false -%}
            {%- endif -%}
            {%- endfor -%}
            """,
        // Code Llama Instruct (its model card): LLaMA 2's layout with every content stripped,
        // a space before and after each answer, and BOS before every [INST].
        "codellama-instruct": """
            {%- set ns = namespace(system='') -%}
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{%- set ns.system = '<<SYS>>\\n' + message.content | trim + '\\n<</SYS>>\\n\\n' -%}
            {%- elif message.role == 'user' -%}{{- bos_token + '[INST] ' + ns.system + message.content | trim + ' [/INST]' -}}{%- set ns.system = '' -%}
            {%- else -%}{{- ' ' + message.content | trim + ' ' + eos_token -}}
            {%- endif -%}
            {%- endfor -%}
            """,
        // LLaMA 3 instruct (Meta's model card): a header per message, content stripped,
        // <|eot_id|> after each.
        "llama3": """
            {{- bos_token -}}
            {%- for message in messages -%}
            {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}{%- endif -%}
            """,
        // ChatML (OpenAI's chat markup, as Qwen and SmolLM use it).
        "chatml": """
            {%- for message in messages -%}
            {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}
            """,
        // Mistral 7B Instruct v0.1/v0.2 (its model card): "<s>[INST] {user} [/INST]{answer}</s>";
        // the format has no system role, so a system message goes before the next user turn.
        "mistral-instruct": """
            {%- set ns = namespace(system='') -%}
            {{- bos_token -}}
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{%- set ns.system = message.content + '\\n\\n' -%}
            {%- elif message.role == 'user' -%}{{- '[INST] ' + ns.system + message.content + ' [/INST]' -}}{%- set ns.system = '' -%}
            {%- else -%}{{- message.content + eos_token -}}
            {%- endif -%}
            {%- endfor -%}
            """,
        // Vicuna v1.1 (FastChat's conversation template): "USER: ..." and "ASSISTANT: ..." lines,
        // answers ended by EOS.
        "vicuna": """
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{{- message.content + '\\n\\n' -}}
            {%- elif message.role == 'user' -%}{{- 'USER: ' + message.content + '\\n' -}}
            {%- else -%}{{- 'ASSISTANT: ' + message.content + eos_token + '\\n' -}}
            {%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- 'ASSISTANT:' -}}{%- endif -%}
            """,
        // BELLE on LLaMA 2 (the BELLE project's README): "Human: {user}\n\nAssistant:{answer}".
        "belle-llama-2-chat": """
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{{- message.content + '\\n' -}}
            {%- elif message.role == 'user' -%}{{- 'Human: ' + message.content + '\\n\\nAssistant:' -}}
            {%- else -%}{{- message.content + eos_token -}}
            {%- endif -%}
            {%- endfor -%}
            """,
        // Zephyr (Hugging Face H4's model card; TinyLlama chat uses it too): "<|role|>\n{content}</s>\n".
        "zephyr": """
            {%- for message in messages -%}
            {{- '<|' + message.role + '|>\\n' + message.content + eos_token + '\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}
            """,
        // Phi-3 (Microsoft's model card): "<|role|>\n{content}<|end|>\n".
        "phi3": """
            {%- for message in messages -%}
            {{- '<|' + message.role + '|>\\n' + message.content + '<|end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}
            """,
        // Gemma (Google's model card): turns "<start_of_turn>user|model\n{content}<end_of_turn>\n";
        // no system role, so a system message is put before the next user turn's text.
        "gemma": """
            {%- set ns = namespace(system='') -%}
            {{- bos_token -}}
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{%- set ns.system = message.content + '\\n\\n' -%}
            {%- else -%}
            {{- '<start_of_turn>' + ('model' if message.role == 'assistant' else 'user') + '\\n' + ns.system + message.content | trim + '<end_of_turn>\\n' -}}
            {%- set ns.system = '' -%}
            {%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<start_of_turn>model\\n' -}}{%- endif -%}
            """,
        // DeepSeek LLM chat (its model card): "User: {user}\n\nAssistant: {answer}<EOS>".
        "deepseek": """
            {{- bos_token -}}
            {%- for message in messages -%}
            {%- if message.role == 'system' -%}{{- message.content + '\\n\\n' -}}
            {%- elif message.role == 'user' -%}{{- 'User: ' + message.content + '\\n\\n' -}}
            {%- else -%}{{- 'Assistant: ' + message.content + eos_token -}}
            {%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- 'Assistant:' -}}{%- endif -%}
            """,
    ]

    /// Other names for the formats above (llama.cpp's and the chat runners').
    public static let aliases: [String: String] = [
        "llama-2-chat": "llama2", "llama2-sys-bos": "llama2", "llama-3": "llama3",
        "mistral-instruct-v0.1": "mistral-instruct", "mistral-v1": "mistral-instruct", "mistral": "mistral-instruct",
        "vicuna-chat": "vicuna", "vicuna-v1.1": "vicuna", "phi-3": "phi3", "gemma2": "gemma", "deepseek-llm": "deepseek",
        "codellama": "codellama-instruct",
    ]
}
