"""The catalog's tables. Rules that a database can hold are declared here so they hold for every
writer (both services, the admin, a psql session); the service layer checks them first to give
per-field messages, and the constraints are the backstop.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact


def _length_is(field: str, length: int) -> Exact:
    return Exact(Length(field), length)


class Author(models.Model):
    name = models.CharField(max_length=200, db_index=True)
    birth_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="author_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Publisher(models.Model):
    name = models.CharField(max_length=200, db_index=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="publisher_name_not_empty"),
            models.CheckConstraint(
                condition=_length_is("country", 2), name="publisher_country_iso2"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Genre(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="genre_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    isbn = models.CharField(max_length=13, unique=True, help_text="ISBN-13, digits only")
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True, default="")
    authors = models.ManyToManyField(Author, through="BookAuthor", related_name="books")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="books")
    genres = models.ManyToManyField(Genre, through="BookGenre", related_name="books")
    published_date = models.DateField()
    language = models.CharField(max_length=2, help_text="ISO 639-1 code")
    pages = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217 code")
    description = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="book_price_not_negative"),
            models.CheckConstraint(condition=Q(pages__gt=0), name="book_pages_positive"),
            models.CheckConstraint(condition=_length_is("isbn", 13), name="book_isbn_13_chars"),
            models.CheckConstraint(condition=_length_is("language", 2), name="book_language_iso2"),
            models.CheckConstraint(condition=_length_is("currency", 3), name="book_currency_iso3"),
            models.CheckConstraint(condition=~Q(title=""), name="book_title_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="book_version_positive"),
        ]
        indexes = [
            # Every ordering the APIs offer, with id as the keyset tie-breaker.
            models.Index(fields=["title", "id"], name="book_title_id_idx"),
            models.Index(fields=["published_date", "id"], name="book_published_id_idx"),
            models.Index(fields=["price", "id"], name="book_price_id_idx"),
            # Filters that are not already covered by the orderings above.
            models.Index(fields=["language", "id"], name="book_language_id_idx"),
            models.Index(fields=["publisher", "id"], name="book_publisher_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.isbn})"


class BookAuthor(models.Model):
    """Authorship in credit order: `position` keeps "first author" meaningful."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="author_links")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="book_links")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["book", "position"]
        constraints = [
            models.UniqueConstraint(fields=["book", "author"], name="book_author_once"),
            models.UniqueConstraint(fields=["book", "position"], name="book_author_position_once"),
        ]
        indexes = [models.Index(fields=["author", "book"], name="bookauthor_author_book_idx")]

    def __str__(self) -> str:
        return f"{self.author_id} wrote {self.book_id} (#{self.position})"


class BookGenre(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="genre_links")
    genre = models.ForeignKey(Genre, on_delete=models.PROTECT, related_name="book_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "genre"], name="book_genre_once"),
        ]
        indexes = [models.Index(fields=["genre", "book"], name="bookgenre_genre_book_idx")]

    def __str__(self) -> str:
        return f"{self.book_id} in {self.genre_id}"


class WsSecuritySecret(models.Model):
    """A user's WS-Security PasswordDigest secret, encrypted (shared_models.credentials).

    PasswordDigest proves knowledge of a secret the server must hold in the clear, which a Django
    password hash cannot give back; so the digest secret is a credential of its own, opt-in per
    user, never the stored password hash.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ws_security_secret"
    )
    encrypted_secret = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"WS-Security secret of user {self.user_id}"


class WsSecurityNonce(models.Model):
    """The table behind the SOAP service's nonce cache when no Redis is configured: exactly the
    schema of Django's DatabaseCache (`createcachetable`), declared as a model so that `migrate`
    creates it wherever the catalog is migrated. Only the cache reads and writes it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "catalog_wsse_nonce_cache"

    def __str__(self) -> str:
        return self.cache_key


# Jobs and webhooks live in their own module; importing them here registers them with the app.
from shared_models.job_models import Job, JobRowError, WebhookDelivery, WebhookEndpoint  # noqa: E402

__all__ = [
    "Author", "Book", "BookAuthor", "BookGenre", "Genre", "Job", "JobRowError", "Publisher",
    "WebhookDelivery", "WebhookEndpoint", "WsSecurityNonce", "WsSecuritySecret",
]  # fmt: skip
