"""Member data imports: the import type that saves CRM columns onto segments' friends."""
