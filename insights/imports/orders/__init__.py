"""Orders imports: the import type that turns an orders file into purchase events of segments."""
