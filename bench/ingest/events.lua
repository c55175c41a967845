-- wrk script for bench/ingest.mjs: every request is an event API batch of 10 events with
-- fresh event ids, so that the collector really stores every one (a repeated id would be
-- answered as a duplicate and never stored, which is not what the benchmark measures).
--
-- Usage: wrk -s events.lua <url> -- <path-with-query> <run number 0-65535>
-- Every request is backend-style, as issue 2 (item 6) asks: a shop backend
-- forwarding its visitors' events (application/json, no Origin header, its own
-- User-Agent, the visitor's agent in each event's userAgent). The tracker's own requests
-- differ only by text/plain, an Origin header (checked against the account's origins)
-- and the visitor's agent in the User-Agent header.
-- done() prints one line "WRK_RESULT {json}" that bench/ingest.mjs reads.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local AGENTS = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}

local REFERRERS = {
  "", "", "https://www.google.com/", "https://www.google.de/", "https://www.facebook.com/",
  "https://duckduckgo.com/", "https://blog.example.org/best-shoes-2025", "https://t.co/abc123",
}

local LANDINGS = {
  "https://shop.example/", "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=winter-sale",
  "https://shop.example/men/shoes?gclid=Cj0KCQiA", "https://shop.example/women", "https://shop.example/sale?fbclid=IwAR0x",
}

local CATEGORIES = { "Men > Sports > Shoes", "Women > Dresses", "Kids > Toys", "Home > Kitchen", "Men > Jackets" }

function init(args)
  path = args[1]
  run = tonumber(args[2] or "0") % 65536
  math.randomseed(os.time() * 100 + tid)
  sent = 0
  ok = 0
  other = 0
end

local HEADERS = { ["Content-Type"] = "application/json", ["User-Agent"] = "shop-backend/1.0" }

local fmt = string.format
local rnd = math.random
local n = 0

-- A UUID-shaped id, unique by construction: the run, the thread and a per-thread counter,
-- with random bits between.
local function eventId()
  n = n + 1
  return fmt("%04x%04x-%04x-4%03x-%04x-%04x%08x", run, rnd(0, 65535), tid % 65536, rnd(0, 4095),
    32768 + rnd(0, 16383), rnd(0, 65535), n)
end

local function event(name, common, fields)
  return fmt('{"name":"%s","eventId":"%s",%s%s}', name, eventId(), common, fields)
end

function request()
  sent = sent + 1
  local visitor = rnd(1, 200000)
  local agent = AGENTS[rnd(1, #AGENTS)]
  local ts = os.time() * 1000 + rnd(0, 999)
  local cat = CATEGORIES[rnd(1, #CATEGORIES)]
  local p1, p2 = rnd(1, 5000), rnd(1, 5000)
  local product = "https://shop.example/p/" .. p1
  local common = fmt('"userId":"v%d-%d","sessionId":"s%d-%d","timestamp":%d,"lang":"en-US","userAgent":"%s",',
    tid, visitor, tid, visitor, ts, agent)
  local function page(url, ref) return fmt('"pageUrl":"%s","referrer":"%s",', url, ref) end
  local landing = LANDINGS[rnd(1, #LANDINGS)]
  local events = {
    event("PAGE_VIEW", common, page(landing, REFERRERS[rnd(1, #REFERRERS)]) .. '"category":"Home Page"'),
    event("PAGE_VIEW", common, page("https://shop.example/c/" .. p1 % 40, landing) .. fmt('"category":"Category Page","subCategory":"%s"', cat)),
    event("PAGE_VIEW", common, page(product, "https://shop.example/c/" .. p1 % 40) .. fmt('"category":"Product Page","subCategory":"%s"', cat)),
    event("PRODUCT_VIEW", common, page(product, "https://shop.example/c/" .. p1 % 40) ..
      fmt('"productId":"P-%d","title":"Example product %d","url":"%s","image":"https://cdn.shop.example/p/%d.jpg","category":"%s","brand":"Example","price":%d.99,"oldPrice":%d.99,"inStock":"true","colors":["black","red"],"sizes":["42","43"]',
        p1, p1, product, p1, cat, p1 % 300 + 9, p1 % 300 + 29)),
    event("BASKET_OPERATIONS", common, page(product, "https://shop.example/c/" .. p1 % 40) ..
      fmt('"step":"add","productId":"P-%d","price":%d.99,"currency":"EUR","quantity":1', p1, p1 % 300 + 9)),
    event("PAGE_VIEW", common, page("https://shop.example/p/" .. p2, product) .. fmt('"category":"Product Page","subCategory":"%s"', cat)),
    event("PRODUCT_VIEW", common, page("https://shop.example/p/" .. p2, product) ..
      fmt('"productId":"P-%d","title":"Example product %d","url":"https://shop.example/p/%d","category":"%s","price":"%d.50"', p2, p2, p2, cat, p2 % 200 + 5)),
    event("BASKET_OPERATIONS", common, page("https://shop.example/p/" .. p2, product) ..
      fmt('"step":"add","productId":"P-%d","price":"%d.50","quantity":2', p2, p2 % 200 + 5)),
    event("BASKET_OPERATIONS", common, page("https://shop.example/cart", "https://shop.example/p/" .. p2) ..
      fmt('"step":"remove","productId":"P-%d","price":%d.99,"quantity":1', p1, p1 % 300 + 9)),
    event("CHECKOUT", common, page("https://shop.example/cart", "https://shop.example/p/" .. p2) ..
      fmt('"step":"basket","totalPrice":"%d.00","productList":[{"productId":"P-%d","price":"%d.50","quantity":2}]', 2 * (p2 % 200 + 5) + 1, p2, p2 % 200 + 5)),
  }
  local body = "[" .. table.concat(events, ",") .. "]"
  return wrk.format("POST", path, HEADERS, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local s, o, x = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    o = o + t:get("ok")
    x = x + t:get("other")
  end
  local e = summary.errors
  io.write(fmt('WRK_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"sent":%d,"ok":%d,"notOk":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes, s, o, x,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
