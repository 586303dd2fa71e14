export interface ToastMessage {
  text: string;
  actionLabel?: string;
  action?: () => void;
  tone?: 'info' | 'error';
}
