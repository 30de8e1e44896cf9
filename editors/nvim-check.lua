-- Neovim, headless, as a real client of `survey-lint server`: opens a survey, waits for the
-- diagnostics the server publishes, prints them with their related locations, asks for the
-- quick fixes on one line, and quits. Works with Neovim 0.7 and later.
--
--   SURVEY_LINT=target/debug/survey-lint nvim --headless --clean \
--     -c 'luafile editors/nvim-check.lua' tests/fixtures/open-llm-survey.md
--
-- SURVEY_LINT is the binary (default `survey-lint` on PATH); SURVEY_LINT_ACTIONS_LINE the
-- 1-based line whose code actions are printed (default 25).

local function say(text)
  io.stdout:write(text, "\n")
end

local binary = os.getenv("SURVEY_LINT") or "survey-lint"
local buffer = vim.api.nvim_get_current_buf()
local file = vim.api.nvim_buf_get_name(buffer)
local config = {
  name = "survey-lint",
  cmd = { binary, "server" },
  root_dir = vim.fn.getcwd(),
}
local client_id
if vim.lsp.start then -- 0.8 and later
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buffer, client_id)
end
if not client_id then
  say("could not start " .. binary .. " server")
  vim.cmd("cquit 2")
end

local started = vim.loop.hrtime()
local arrived = vim.wait(10000, function()
  return #vim.diagnostic.get(buffer) > 0
end, 10)
if not arrived then
  say("no diagnostics within 10 s")
  vim.cmd("cquit 1")
end
local client = vim.lsp.get_client_by_id(client_id)
say(string.format("%s: %d diagnostics from %s %s (%.0f ms after attach)",
  vim.fn.fnamemodify(file, ":."), #vim.diagnostic.get(buffer), client.name,
  vim.inspect(client.server_capabilities and client.server_capabilities.positionEncoding or "utf-16"),
  (vim.loop.hrtime() - started) / 1e6))

local severities = { "error", "warning", "info", "hint" }
local diagnostics = vim.diagnostic.get(buffer)
table.sort(diagnostics, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, d in ipairs(diagnostics) do
  local lsp = (d.user_data and d.user_data.lsp) or {}
  local code = d.code or lsp.code or "?"
  local message = d.message:gsub("\n.*", "")
  local line = string.format("%d:%d %s %s %s", d.lnum + 1, d.col + 1, severities[d.severity], code, message)
  for _, related in ipairs(lsp.relatedInformation or {}) do
    line = line .. string.format(" [%s: line %d]", related.message, related.location.range.start.line + 1)
  end
  say(line)
end

local actions_line = tonumber(os.getenv("SURVEY_LINT_ACTIONS_LINE") or "25") - 1
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buffer) },
  range = { start = { line = actions_line, character = 0 }, ["end"] = { line = actions_line, character = 0 } },
  context = { diagnostics = {} },
}
local answers = vim.lsp.buf_request_sync(buffer, "textDocument/codeAction", params, 5000) or {}
for _, answer in pairs(answers) do
  for _, action in ipairs(answer.result or {}) do
    say(string.format("code action on line %d: %s", actions_line + 1, action.title))
  end
end

vim.lsp.stop_client(client_id)
vim.wait(2000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 10)
vim.cmd("qall!")
