// Word pools for generated names and content: enough variety to look like a tenant, short enough to
// keep rows narrow (row width is what bulk loading pays for).

export const FIRST_NAMES = [
  'adele', 'alex', 'allan', 'bianca', 'brian', 'cameron', 'carlos', 'christie', 'debra', 'diego', 'elena', 'emily',
  'enrico', 'fatima', 'gerhart', 'grady', 'hana', 'henrietta', 'isaiah', 'ivan', 'jamal', 'joni', 'johanna', 'kenji',
  'lara', 'lee', 'lidia', 'lynne', 'maria', 'megan', 'miriam', 'nestor', 'nora', 'omar', 'patti', 'pradeep',
  'raul', 'rosa', 'sakura', 'sanjay', 'sofia', 'tomas', 'uma', 'victor', 'wen', 'xavier', 'yara', 'zoe',
] as const;

export const LAST_NAMES = [
  'vance', 'wilber', 'deyoung', 'chen', 'garcia', 'burke', 'ortiz', 'cline', 'berger', 'zamora', 'kovacs', 'braun',
  'rossi', 'haddad', 'appel', 'archie', 'suzuki', 'harris', 'okafor', 'petrov', 'bakr', 'sherman', 'lindqvist', 'tanaka',
  'newton', 'gu', 'holloway', 'robbins', 'silva', 'bowen', 'caldwell', 'wilke', 'kim', 'farouk', 'fernandez', 'gupta',
  'mendez', 'ortega', 'ito', 'rao', 'moreau', 'novak', 'reddy', 'duarte', 'li', 'dubois', 'nasser', 'adams',
] as const;

export const SUBJECTS = [
  'Quarterly review', 'Budget update', 'Project kickoff', 'Weekly sync notes', 'Contract draft', 'Travel plans', 'Invoice',
  'Design feedback', 'Team offsite', 'Release checklist', 'Customer escalation', 'Hiring loop', 'Security training',
  'Board deck', 'Vendor proposal', 'Roadmap', 'Migration plan', 'Expense report', 'Status report', 'Lunch?',
] as const;

export const TOPICS = [
  'Q1', 'Q2', 'Q3', 'Q4', 'Northwind', 'Contoso Retail', 'Fabrikam deal', 'Project Falcon', 'Mark 8', 'Tailspin',
  'EMEA', 'APAC', 'finance', 'legal', 'HR', 'marketing', 'sales', 'engineering', 'support', 'ops',
] as const;

export const PREVIEWS = [
  'Hi all, sharing the latest numbers ahead of Friday.', 'Thanks, see comments inline.', 'Can we move this to next week?',
  'Attached is the updated version.', 'Please review and approve by EOD.', 'Looping in the right people here.',
  'Great work on this, team!', 'Notes from today are below.', 'Reminder: deadline is tomorrow.', 'Following up on my last mail.',
] as const;

export const CHAT_LINES = [
  'Morning! Got a minute?', 'Sure, what is up?', 'Can you look at the deck?', 'Done, left two comments.', 'Thanks!',
  'Meeting moved to 3pm', 'OK', 'Lunch later?', 'Sent you the link', 'On it', 'Let me check and get back to you',
  'Approved', 'Is the build green?', 'Yes, all tests pass', 'Great, shipping it', 'See you tomorrow',
] as const;

export const FILE_STEMS = [
  'Budget', 'Plan', 'Notes', 'Proposal', 'Contract', 'Report', 'Roadmap', 'Invoice', 'Presentation', 'Specification',
  'Timeline', 'Checklist', 'Summary', 'Forecast', 'Minutes', 'Survey',
] as const;

export const FILE_EXTENSIONS = ['.docx', '.xlsx', '.pptx', '.pdf', '.txt', '.png', '.one'] as const;

export const DRIVE_FOLDERS = ['/Projects', '/Projects/Falcon', '/Finance', '/Shared with team', '/Archive'] as const;
