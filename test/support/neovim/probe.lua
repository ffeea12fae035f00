-- Records what a Neovim user sees from Flaglens in the buffer opened on the command line:
-- the diagnostics, the hover at a position (asked the way `K` asks) and the code lenses. It
-- writes them as JSON and quits; on any failure it writes { error = ... } and exits with 1.
--
-- Input (JSON in $FLAGLENS_TEST_PROBE):
--   out        file to write the JSON to
--   hoverAt    { line, character }: 0-based LSP position (UTF-16 columns) to hover
--   timeoutMs  overall deadline for every wait together
--
-- Every wait is vim.wait on a condition, which runs Neovim's event loop (and so the LSP client)
-- until the condition holds; the shared deadline bounds them all.

local input = vim.json.decode(vim.env.FLAGLENS_TEST_PROBE)
local deadline = vim.loop.now() + input.timeoutMs

local function remaining()
  return math.max(0, deadline - vim.loop.now())
end

local function wait_for(what, condition)
  if not vim.wait(remaining(), condition, 10) then
    error('timed out after ' .. input.timeoutMs .. ' ms waiting for ' .. what, 0)
  end
end

local function write_json(value)
  local file = assert(io.open(input.out, 'w'))
  file:write(vim.json.encode(value))
  file:close()
end

local function attached_flaglens_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'flaglens' then return client end
  end
  return nil
end

local function diagnostics_of(bufnr)
  local list = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, {
      lnum = diagnostic.lnum,
      col = diagnostic.col,
      end_lnum = diagnostic.end_lnum,
      end_col = diagnostic.end_col,
      severity = vim.diagnostic.severity[diagnostic.severity],
      source = diagnostic.source,
      code = diagnostic.code,
      message = diagnostic.message,
    })
  end
  return list
end

-- Moves the cursor like a user would, then builds the request exactly as vim.lsp.buf.hover does.
local function hover_at(bufnr, position)
  local line_text = vim.api.nvim_buf_get_lines(bufnr, position.line, position.line + 1, true)[1]
  local byte_col = vim.str_byteindex(line_text, position.character, true)
  vim.api.nvim_win_set_cursor(0, { position.line + 1, byte_col })
  local params = vim.lsp.util.make_position_params()
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, remaining())
  if not responses then error('hover request failed: ' .. tostring(err), 0) end
  local answers = {}
  for _, response in pairs(responses) do
    if response.err then error('hover answered an error: ' .. vim.inspect(response.err), 0) end
    table.insert(answers, response.result and response.result.contents or vim.NIL)
  end
  return { position = params.position, contents = answers }
end

local function lenses_of(bufnr)
  local list = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    table.insert(list, { line = lens.range.start.line, title = lens.command and lens.command.title or vim.NIL })
  end
  return list
end

local function probe()
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  wait_for('the flaglens client to attach to ' .. vim.api.nvim_buf_get_name(bufnr), function()
    client = attached_flaglens_client(bufnr)
    return client ~= nil
  end)
  wait_for('flaglens/indexReady', function() return vim.g.flaglens_index ~= nil end)
  wait_for('diagnostics', function() return #vim.diagnostic.get(bufnr) > 0 end)
  local hover = hover_at(bufnr, input.hoverAt)
  vim.lsp.codelens.refresh()
  wait_for('code lenses', function() return #vim.lsp.codelens.get(bufnr) > 0 end)
  return {
    nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
    filetype = vim.bo[bufnr].filetype,
    client = { name = client.name, rootDir = client.config.root_dir, offsetEncoding = client.offset_encoding },
    indexReady = vim.g.flaglens_index,
    diagnostics = diagnostics_of(bufnr),
    hover = hover,
    lenses = lenses_of(bufnr),
  }
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, result = xpcall(probe, debug.traceback)
    if ok then
      write_json(result)
      vim.cmd('qall!')
    else
      write_json({ error = result })
      vim.cmd('cquit 1')
    end
  end,
})
