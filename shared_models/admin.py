"""Operator access to the catalog. Edits here bypass the service layer's messages but not the
database constraints, still bump a book's version so API clients holding an ETag notice, and
announce each change like the service layer does (change_feed), so the gateway's cache does not
keep answering with what was there before."""

from typing import Any

from django.contrib import admin
from django.db.models import F, Model, QuerySet
from django.http import HttpRequest

from shared_models.change_feed import announce
from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    extra = 0
    autocomplete_fields = ["author"]
    ordering = ["position"]


class BookGenreInline(admin.TabularInline):
    model = BookGenre
    extra = 0


class AnnouncingAdmin(admin.ModelAdmin):
    """Saves and deletes announce `kind` (the admin runs each in a transaction)."""

    kind = "books"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        announce(self.kind)
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        announce(self.kind)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        announce(self.kind)
        super().delete_queryset(request, queryset)


@admin.register(Book)
class BookAdmin(AnnouncingAdmin):
    list_display = [
        "id",
        "title",
        "isbn",
        "publisher",
        "published_date",
        "language",
        "price",
        "currency",
        "version",
    ]
    list_filter = ["language", "currency", "genres", "published_date"]
    search_fields = ["title", "isbn", "authors__name"]
    list_select_related = ["publisher"]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [BookAuthorInline, BookGenreInline]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Book, form: Any, change: bool) -> None:
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


@admin.register(Author)
class AuthorAdmin(AnnouncingAdmin):
    kind = "authors"
    list_display = ["id", "name", "birth_date"]
    search_fields = ["name"]
    list_filter = [("birth_date", admin.EmptyFieldListFilter)]


@admin.register(Publisher)
class PublisherAdmin(AnnouncingAdmin):
    kind = "publishers"
    list_display = ["id", "name", "country"]
    search_fields = ["name"]
    list_filter = ["country"]


@admin.register(Genre)
class GenreAdmin(AnnouncingAdmin):
    kind = "genres"
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]
