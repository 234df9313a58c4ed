"""Operator access to the catalog. Edits here bypass the service layer's messages but not the
database constraints, and still bump a book's version so API clients holding an ETag notice."""

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest

from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    extra = 0
    autocomplete_fields = ["author"]
    ordering = ["position"]


class BookGenreInline(admin.TabularInline):
    model = BookGenre
    extra = 0


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
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
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "birth_date"]
    search_fields = ["name"]
    list_filter = [("birth_date", admin.EmptyFieldListFilter)]


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "country"]
    search_fields = ["name"]
    list_filter = ["country"]


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]
