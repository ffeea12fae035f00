-- Entry point of the headless Neovim session of test/lsp/neovim.test.ts, given to `nvim -u`.
-- It loads the user-facing recipe exactly as docs/neovim.md shows it (the test extracts it to a
-- file) with the server command of this checkout, then the probe that records what a user sees.

vim.g.flaglens_cmd = vim.json.decode(vim.env.FLAGLENS_TEST_CMD)
dofile(vim.env.FLAGLENS_TEST_RECIPE)

local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
dofile(here .. '/probe.lua')
