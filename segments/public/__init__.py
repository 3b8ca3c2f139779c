"""What segments serves outside any signed-in page: the landing redirect of a campaign link
(``/a/<token>``), opened by people who are not console users."""
