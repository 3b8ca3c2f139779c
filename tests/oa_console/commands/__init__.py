"""Operations commands (oa_console/management/commands), one test module per command."""
