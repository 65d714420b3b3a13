namespace Portal.Kernel;

/// <summary>One page of a list, with the total so that a client knows how many pages there are.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>Paging arguments as the API receives them: `?page=` (from 1) and `?pageSize=` (1 to 100).</summary>
public readonly record struct Paging(int Page, int PageSize)
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    public int Skip => (Page - 1) * PageSize;

    public static Outcome<Paging> From(int? page, int? pageSize)
    {
        if (page is < 1)
        {
            return Failure.Invalid("page", "page starts at 1.");
        }
        if (pageSize is < 1 or > MaxSize)
        {
            return Failure.Invalid("pageSize", $"pageSize must be between 1 and {MaxSize}.");
        }
        return new Paging(page ?? 1, pageSize ?? DefaultSize);
    }
}
