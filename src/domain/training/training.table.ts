// Courses and completions. Dates (completed_on, expires_on) are calendar dates, YYYY-MM-DD.
export interface CourseTable {
  course_id: string;
  org_id: string;
  name: string;
  description: string;
  validity_days: number;
  /** Mandatory courses gate access to personal data. */
  mandatory: number;
  created_by: string;
  created_at: string;
}

export interface TrainingCompletionTable {
  completion_id: string;
  org_id: string;
  person_id: string;
  course_id: string;
  completed_on: string;
  /** The first day the completion no longer counts. */
  expires_on: string;
  /** manual | import */
  source: string;
  evidence: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface TrainingTables {
  course: CourseTable;
  training_completion: TrainingCompletionTable;
}
