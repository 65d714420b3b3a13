using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Datasets;

/// <summary>The endpoints' one job: an <see cref="Outcome{T}"/> as HTTP (a refusal as problem details with its code).</summary>
internal static class DatasetResults
{
    public static Results<Ok<T>, ProblemHttpResult> OkOrProblem<T>(this Outcome<T> o) =>
        o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);

    public static Results<NoContent, ProblemHttpResult> NoContentOrProblem<T>(this Outcome<T> o) =>
        o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();

    public static Results<Created<DatasetView>, ProblemHttpResult> CreatedOrProblem(this Outcome<DatasetView> o) =>
        o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/datasets/{o.Value!.Id}", o.Value);
}
