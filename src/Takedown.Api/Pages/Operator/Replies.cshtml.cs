using Microsoft.AspNetCore.Mvc;
using Takedown.Api.Operator;

namespace Takedown.Api.Pages.Operator;

/// <summary>Replies whose meaning no operator confirmed yet; the list shows no content (that is personal data).</summary>
public sealed class RepliesModel(ReplyReview replies) : OperatorPageModel
{
    public IReadOnlyList<ReplyRow> Replies { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Replies = await replies.UnconfirmedAsync(cancellationToken);
}
