-- wrk script for bench/inquiry_intake.py: a different citizen and text in each message; with
-- BATCH=n, n messages a request ({"messages": [...]}, for /api/intake/messages/batch).
-- At the end one JSON line with what wrk counted (requests, errors, latency percentiles).
local texts = {"小区门口路灯坏了，请尽快维修", "建议增加公交线路", "感谢社区工作人员", "举报工地夜间施工",
               "请问社保卡在哪里办理"}
local n = 0
local batch = tonumber(os.getenv("BATCH") or "0")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INTAKE_TOKEN")

local function message()
  n = n + 1
  return string.format('{"account_id": 1, "kind": "comment", "citizen_handle": "@居民%d", "text": "%s"}',
                       n, texts[(n % #texts) + 1])
end

request = function()
  if batch == 0 then
    return wrk.format(nil, nil, nil, message())
  end
  local items = {}
  for i = 1, batch do
    items[i] = message()
  end
  return wrk.format(nil, nil, nil, '{"messages": [' .. table.concat(items, ", ") .. ']}')
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
                         '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
                         summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                         latency:percentile(50), latency:percentile(99)))
end
