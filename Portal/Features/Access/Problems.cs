using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Access;

/// <summary>RFC 7807 answers for bad input: the field and what is wrong with it.</summary>
public static class Problems
{
    public static ProblemHttpResult Invalid(string field, string message) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The request was not valid.",
        detail: message,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
