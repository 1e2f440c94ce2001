"""Distributed mode: workspaces install the bot through Slack's OAuth flow (Bolt's OAuthSettings), their tokens kept
in the bot's own database, encrypted (cipher, store), and removed when a workspace uninstalls it (uninstall)."""
