import { TICKET_REASON_TEXT, type Ticket } from '../../protocol/index.js';

/** A ticket on one line, as the log, the screen's footer and the line printed after quitting show it. */
export function ticketLine(t: Ticket): string {
  return `ticket ${t.cpId}: ${t.kwh.toFixed(3)} kWh × ${t.pricePerKwh} €/kWh = ${t.totalEur.toFixed(2)} € (${TICKET_REASON_TEXT[t.reason]})`;
}

/** The ticket's figures in fewer words, where a line is short (the footer of a narrow screen). */
export function ticketShortLine(t: Ticket): string {
  return `ticket ${t.cpId}: ${t.kwh.toFixed(3)} kWh = ${t.totalEur.toFixed(2)} €`;
}
