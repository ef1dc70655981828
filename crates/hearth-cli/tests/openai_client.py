"""Hearth's local API as the official `openai` package sees it (crates/hearth-cli/tests/serve.rs
runs this against `hearth serve`). Each check asserts an exact outcome and prints one line;
any failure exits non-zero with the assertion's message.

Usage: openai_client.py BASE_URL TOKEN REVOKED_TOKEN EXPECTED_REPLY_FILE
"""

import json
import sys
import threading
import time

import httpx2 as httpx
import openai
from openai import OpenAI
from pydantic import BaseModel

base, token, revoked, expected_file = sys.argv[1:5]
expected = open(expected_file, encoding="utf-8").read()
client = OpenAI(base_url=base, api_key=token, max_retries=0, timeout=120)
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def check(name, ok, detail=""):
    assert ok, f"{name}: {detail}"
    print(f"ok {name}")


def refused(name, error_type, status, code, call):
    try:
        call()
    except error_type as e:
        check(name, e.status_code == status and e.code == code,
              f"status {e.status_code}, code {e.code}: {e}")
        return e
    raise AssertionError(f"{name}: the request was not refused")


models = [m.id for m in client.models.list()]
check("models", len(models) == 1, models)
model = models[0]

reply = client.chat.completions.create(model=model, messages=QUESTION, temperature=0, max_tokens=24)
check("greedy reply is the command line's", reply.choices[0].message.content == expected,
      repr(reply.choices[0].message.content))
check("usage", reply.usage.completion_tokens > 0
      and reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens,
      reply.usage)

chunks = list(client.chat.completions.create(
    model=model, messages=QUESTION, temperature=0, max_tokens=24, stream=True,
    stream_options={"include_usage": True}))
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
check("streamed reply joins to the same", text == expected, repr(text))
check("streamed usage", chunks[-1].usage is not None
      and chunks[-1].usage.completion_tokens == reply.usage.completion_tokens, chunks[-1])

by_name = client.chat.completions.create(
    model=model, messages=QUESTION, temperature=0, max_tokens=24, stop=["Paris"])
check("stop sequence", by_name.choices[0].message.content == expected.split("Paris")[0],
      repr(by_name.choices[0].message.content))


class City(BaseModel):
    city: str
    country: str


parsed = client.chat.completions.parse(
    model=model, max_tokens=48,
    messages=[{"role": "user", "content": "Name the capital of France as JSON with keys city and country."}],
    response_format=City).choices[0].message.parsed
check("json schema parsed into a typed object", isinstance(parsed, City), parsed)
print("parsed", json.dumps(parsed.model_dump()))

seeded = [client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "Write a word that rhymes with cat."}],
    temperature=1.0, top_p=0.95, seed=7, max_tokens=16).choices[0].message.content for _ in range(2)]
check("a seed repeats its sampled reply", seeded[0] == seeded[1], seeded)

refused("a wrong token", openai.AuthenticationError, 401, "invalid_api_key",
        lambda: OpenAI(base_url=base, api_key="sk-not-hearths", max_retries=0).models.list())
refused("revoked token", openai.AuthenticationError, 401, "invalid_api_key",
        lambda: OpenAI(base_url=base, api_key=revoked, max_retries=0).models.list())
refused("unknown model", openai.NotFoundError, 404, "model_not_found",
        lambda: client.chat.completions.create(model="gpt-4o", messages=QUESTION))
e = refused("unsupported field", openai.BadRequestError, 400, None,
            lambda: client.chat.completions.create(model=model, messages=QUESTION, frequency_penalty=0.5))
check("unsupported field is named", "frequency_penalty" in str(e), e)
refused("prompt over the context", openai.BadRequestError, 400, "context_length_exceeded",
        lambda: client.chat.completions.create(
            model=model, max_tokens=16,
            messages=[{"role": "user", "content": "lorem ipsum " * 4000}]))

raw = httpx.Client(base_url=base.removesuffix("/v1"), timeout=30)
auth = {"Authorization": f"Bearer {token}"}
r = raw.get("/v1/models")
check("no token: 401 in OpenAI's error shape", r.status_code == 401
      and r.json()["error"]["code"] == "invalid_api_key", r.text)
r = raw.get("/v1/models", headers={**auth, "Host": "evil.example:8451"})
check("foreign Host refused", r.status_code == 403, r.status_code)
r = raw.options("/v1/chat/completions", headers={
    "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type"})
check("CORS preflight gets no allow headers",
      not any(h.lower().startswith("access-control-") for h in r.headers), dict(r.headers))
r = raw.post("/v1/chat/completions", headers={**auth, "Content-Type": "application/json"},
             content=json.dumps({"model": model, "messages": [{"role": "user", "content": "x" * (5 << 20)}]}),
             )
check("body over the limit refused", r.status_code == 413, r.status_code)

# Eight clients at once: all in hand together, a ninth refused, then all eight answered.
started = threading.Barrier(9)
replies = [None] * 8


def stream_one(i):
    parts = []
    with client.chat.completions.create(model=model, messages=QUESTION, temperature=0,
                                        max_tokens=24, stream=True) as s:
        for n, c in enumerate(s):
            if n == 0:
                started.wait(timeout=120)
            parts.append(c.choices[0].delta.content or "" if c.choices else "")
    replies[i] = "".join(parts)


threads = [threading.Thread(target=stream_one, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
started.wait(timeout=120)
refused("a ninth client beyond the queue", openai.RateLimitError, 429, "rate_limit_exceeded",
        lambda: client.chat.completions.create(model=model, messages=QUESTION, max_tokens=4))
for t in threads:
    t.join(timeout=300)
check("eight clients answered, each as alone", replies == [expected] * 8, replies)

# A client that hangs up mid-stream: its generation ends (the usage record says how far it got).
with client.chat.completions.create(
        model=model, stream=True, max_tokens=400, temperature=0,
        messages=[{"role": "user", "content": "Tell me a very long story about a dragon."}]) as s:
    for n, _ in enumerate(s):
        if n == 3:
            break
time.sleep(2)
print("hung up")
