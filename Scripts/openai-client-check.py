"""The OpenAI Python client against a running llama-swift server (base URL in argv[1]).

Checks, with the client's own types: a json_schema response_format answer that validates
against its schema, and a tool-call round trip (request with tools, a reply with tool_calls,
a follow-up carrying the tool's result), plain and streamed. Prints one line per check and
exits non-zero on the first failure.
"""
import json
import sys

import jsonschema
import openai

client = openai.OpenAI(base_url=sys.argv[1], api_key="unused")
model = client.models.list().data[0].id

schema = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 16},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "pets": {"type": "array", "items": {"enum": ["cat", "dog", "fish"]}, "maxItems": 3},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}
for seed in (1, 2):
    answer = client.chat.completions.create(
        model=model, seed=seed, max_tokens=120, temperature=1.0,
        messages=[{"role": "user", "content": "Describe a person as JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}},
    )
    text = answer.choices[0].message.content
    jsonschema.validate(json.loads(text), schema)
    print("json_schema ok:", text)

tools = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"enum": ["Paris", "Oslo", "Lima"]}, "unit": {"enum": ["celsius", "fahrenheit"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}]
question = [{"role": "user", "content": "What is the weather in Oslo?"}]


def check_call(name, arguments):
    assert name == "get_weather", name
    jsonschema.validate(json.loads(arguments), tools[0]["function"]["parameters"])


def follow_up(call_id, name, arguments, stream):
    messages = question + [
        {"role": "assistant", "content": None,
         "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": call_id, "content": json.dumps({"temperature": 4, "sky": "cloudy"})},
    ]
    if not stream:
        answer = client.chat.completions.create(model=model, messages=messages, tools=tools, max_tokens=24, temperature=0)
        assert answer.choices[0].message.tool_calls is None or answer.choices[0].finish_reason == "tool_calls"
        return answer.choices[0].message
    text, reason = "", None
    for chunk in client.chat.completions.create(
            model=model, messages=messages, tools=tools, max_tokens=24, temperature=0, stream=True):
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            reason = chunk.choices[0].finish_reason or reason
    assert reason in ("stop", "length", "tool_calls"), reason
    return text


for choice in ("required", {"type": "function", "function": {"name": "get_weather"}}):
    answer = client.chat.completions.create(
        model=model, messages=question, tools=tools, tool_choice=choice, max_tokens=80, temperature=0.7, seed=3)
    assert answer.choices[0].finish_reason == "tool_calls", answer
    calls = answer.choices[0].message.tool_calls
    assert calls and calls[0].type == "function", answer
    check_call(calls[0].function.name, calls[0].function.arguments)
    print("tool call ok:", calls[0].function.name, calls[0].function.arguments)
    reply = follow_up(calls[0].id, calls[0].function.name, calls[0].function.arguments, stream=False)
    print("follow-up ok:", repr(reply.content))

    calls, reason = {}, None
    for chunk in client.chat.completions.create(
            model=model, messages=question, tools=tools, tool_choice=choice, max_tokens=80, temperature=0.7, seed=3,
            stream=True):
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        for part in delta.tool_calls or []:
            entry = calls.setdefault(part.index, {"id": None, "name": "", "arguments": ""})
            entry["id"] = part.id or entry["id"]
            entry["name"] += part.function.name or ""
            entry["arguments"] += part.function.arguments or ""
        reason = chunk.choices[0].finish_reason or reason
    assert reason == "tool_calls", reason
    assert list(calls) == [0], calls
    check_call(calls[0]["name"], calls[0]["arguments"])
    print("streamed tool call ok:", calls[0]["name"], calls[0]["arguments"])
    text = follow_up(calls[0]["id"], calls[0]["name"], calls[0]["arguments"], stream=True)
    print("streamed follow-up ok:", repr(text))
print("all ok")
