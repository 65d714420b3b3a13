using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access;

/// <summary>How the access endpoints answer an <see cref="Outcome{T}"/>: the value, or the refusal as problem details with its code.</summary>
internal static class AccessHttp
{
    public static Results<Ok<T>, ProblemHttpResult> OkOr<T>(this Outcome<T> outcome) =>
        outcome.Failure is { } f ? f.ToProblem() : TypedResults.Ok(outcome.Value);

    public static Results<Created<T>, ProblemHttpResult> CreatedOr<T>(this Outcome<T> outcome, Func<T, string> location) =>
        outcome.Failure is { } f ? f.ToProblem() : TypedResults.Created(location(outcome.Value!), outcome.Value);

    /// <summary>The paging arguments, or the kernel's refusal of bad ones (request.page.out_of_range, …).</summary>
    public static Outcome<Paging> Paging(int? page, int? pageSize) => Kernel.Paging.From(page, pageSize);
}
