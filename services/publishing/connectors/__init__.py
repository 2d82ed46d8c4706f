"""The platforms' adapters (issue 20): the contract every adapter keeps (`contract`), the real
ones for the platforms with a published open API (`weibo`, `wechat`), and which adapter serves
which platform code (`registry`). Only the publishing worker calls them, never a request."""
