"""Local fake platforms (issue 20): real HTTP servers that follow each platform's public API
documentation (paths, parameters, answers, error codes), keep their posts, comments and
followers in memory, and have switches to expire a token, limit the rate or fail. The adapters'
tests run against them, and the embedded mode starts them in place of the real platforms."""
