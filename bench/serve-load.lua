-- wrk script: rotates POST requests (application/sparql-query) over the research queries read from
-- the files given in the QUERIES environment variable (one path per line).
local queries = {}
local counter = 0

for path in (os.getenv("QUERIES") or ""):gmatch("[^\n]+") do
  local file = io.open(path, "r")
  local text = file:read("*a")
  file:close()
  table.insert(queries, text)
end

request = function()
  counter = counter + 1
  local query = queries[(counter % #queries) + 1]
  return wrk.format("POST", "/sparql", {
    ["Accept"] = "application/sparql-results+json",
    ["Content-Type"] = "application/sparql-query",
  }, query)
end
