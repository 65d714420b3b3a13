namespace Portal.Kernel;

/// <summary>One page of a list, with the total so that a client knows how many pages there are.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Paging arguments as the API receives them: `?page=` (1 to 1,000,000) and `?pageSize=` (1 to 100).</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>Far beyond any list the portal keeps, and small enough that the offset never overflows.</summary>
    public const int MaxPage = 1_000_000;

    public int Skip => (Page - 1) * PageSize;

    public static Outcome<Paging> From(int? page, int? pageSize)
    {
        if (page is < 1 or > MaxPage)
        {
            return Failure.Invalid("request.page.out_of_range", "page", $"page must be between 1 and {MaxPage}.");
        }
        if (pageSize is < 1 or > MaxSize)
        {
            return Failure.Invalid("request.page_size.out_of_range", "pageSize", $"pageSize must be between 1 and {MaxSize}.");
        }
        return new Paging(page ?? 1, pageSize ?? DefaultSize);
    }
}
