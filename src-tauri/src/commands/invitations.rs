//! A workshop's invitations: the audience and who it leaves out, the mail and its preview,
//! and the actions that queue mail (invite, update, cancel, uninvite); each one transaction,
//! after which the outbox sender is woken.

use guildhall_core::invitations::{
    self, Audience, InvitationMail, InvitationOverview, Invitee, LeftOut, MailPreview, Queued,
};
use serde::Serialize;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// At most this many invitees are listed in a preview (all are counted).
const LISTED: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AudienceSummary {
    /// How many would be invited now.
    pub count: u32,
    /// The first of them, facilitators first.
    pub invitees: Vec<Invitee>,
    pub left_out: Vec<LeftOut>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn invitation_overview(
    state: State<'_, AppState>,
    workshop_id: String,
) -> Result<InvitationOverview, CommandError> {
    Ok(state
        .core()?
        .snapshot(|c| invitations::overview(c, &workshop_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn preview_audience(
    state: State<'_, AppState>,
    workshop_id: String,
    audience: Audience,
) -> Result<AudienceSummary, CommandError> {
    let preview = state
        .core()?
        .read(|c| invitations::audience::preview(c, &workshop_id, &audience))?;
    Ok(AudienceSummary {
        count: preview.invitees.len() as u32,
        invitees: preview.invitees.into_iter().take(LISTED).collect(),
        left_out: preview.left_out,
    })
}

/// The mail `member_id` would get with `mail` as the text (saved or not).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_invitation(
    state: State<'_, AppState>,
    workshop_id: String,
    member_id: String,
    mail: InvitationMail,
) -> Result<MailPreview, CommandError> {
    let core = state.core()?;
    Ok(core.read(|c| {
        invitations::preview_mail(c, &workshop_id, &member_id, &mail, core.clock.now())
    })?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_invitation_mail(
    state: State<'_, AppState>,
    workshop_id: String,
    mail: InvitationMail,
) -> Result<InvitationMail, CommandError> {
    let core = state.core()?;
    Ok(core.write(|tx| invitations::save_mail(tx, &workshop_id, &mail, core.clock.now()))?)
}

fn queued(state: &AppState, q: Queued) -> Result<Queued, CommandError> {
    if q.mails > 0 {
        state.services()?.sender().wake();
    }
    Ok(q)
}

/// Saves the mail and invites the audience, in one transaction; the outbox sends.
#[tauri::command(async)]
#[specta::specta]
pub fn send_invitations(
    state: State<'_, AppState>,
    workshop_id: String,
    audience: Audience,
    mail: InvitationMail,
) -> Result<Queued, CommandError> {
    let core = state.core()?;
    let q = core.write(|tx| {
        invitations::save_mail(tx, &workshop_id, &mail, core.clock.now())?;
        invitations::invite(tx, &workshop_id, &audience, &core.clock)
    })?;
    queued(&state, q)
}

/// Sends the update to everyone whose calendar shows an older time or place.
#[tauri::command(async)]
#[specta::specta]
pub fn send_workshop_update(
    state: State<'_, AppState>,
    workshop_id: String,
) -> Result<Queued, CommandError> {
    let core = state.core()?;
    let q = core.write(|tx| invitations::send_update(tx, &workshop_id, &core.clock))?;
    queued(&state, q)
}

/// Cancels the workshop and sends the cancellation to everyone it was sent to.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_and_notify(
    state: State<'_, AppState>,
    workshop_id: String,
) -> Result<Queued, CommandError> {
    let core = state.core()?;
    let q = core.write(|tx| invitations::cancel_workshop(tx, &workshop_id, &core.clock))?;
    queued(&state, q)
}

/// Uninvites one person; a cancellation goes to them alone, and their place to whoever waits.
#[tauri::command(async)]
#[specta::specta]
pub fn uninvite(
    state: State<'_, AppState>,
    workshop_id: String,
    member_id: String,
) -> Result<Queued, CommandError> {
    let core = state.core()?;
    let (q, _promoted) =
        core.write(|tx| guildhall_core::rsvp::uninvite(tx, &workshop_id, &member_id, &core.clock))?;
    queued(&state, q)
}
