-- wrk script for bench/tiles.py: GET every tile path of $TILES_FILE in turn, with a bearer token.
local paths = {}
for line in io.lines(os.getenv("TILES_FILE")) do paths[#paths + 1] = line end
local token = os.getenv("TOKEN")
local i = 0
function setup(thread)
  thread:set("offset", math.random(#paths))
end
function request()
  i = i + 1
  local path = paths[((i + (offset or 0)) % #paths) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
