-- wrk script for bench/inquiry_intake.py: a different citizen and text in each request;
-- at the end one JSON line with what wrk counted (requests, errors, latency percentiles).
local texts = {"小区门口路灯坏了，请尽快维修", "建议增加公交线路", "感谢社区工作人员", "举报工地夜间施工",
               "请问社保卡在哪里办理"}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INTAKE_TOKEN")

request = function()
  n = n + 1
  local body = string.format('{"account_id": 1, "kind": "comment", "citizen_handle": "@居民%d", "text": "%s"}',
                             n, texts[(n % #texts) + 1])
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
                         '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
                         summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                         latency:percentile(50), latency:percentile(99)))
end
