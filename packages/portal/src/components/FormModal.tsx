import { Form, Modal, type FormInstance } from 'antd';
import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';

export interface FormModalProps<T> {
  /** Names the form; its fields' ids are `<name>_<field>`, unique on the page. */
  readonly name: string;
  readonly open: boolean;
  readonly title: string;
  readonly okText?: string;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onCancel: () => void;
  readonly onSubmit: (values: T) => void;
  readonly form?: FormInstance<T>;
  /** The fields' values when the dialog opens. */
  readonly initialValues?: Partial<T>;
  readonly children: ReactNode;
}

/** The fields a dialog's focus can start on. */
const FIELD = 'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled])';

/**
 * A dialog holding one form: Enter submits, Escape cancels, the first field gets the focus, and the API's error is
 * shown above the fields. The form is reset each time the dialog closes.
 */
export function FormModal<T extends object>(props: FormModalProps<T>) {
  const { t } = useTranslation();
  const [own] = Form.useForm<T>();
  const form = props.form ?? own;
  const body = useRef<HTMLDivElement>(null);
  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={props.okText ?? t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={props.pending}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
      afterClose={() => form.resetFields()}
      // A field's own autoFocus does not work in a dialog: the field mounts before the dialog is in the document,
      // and the dialog then focuses itself. Once it is open, the first field takes the focus.
      afterOpenChange={(visible) => {
        if (visible) body.current?.querySelector<HTMLElement>(FIELD)?.focus();
      }}
      destroyOnHidden
      focusTriggerAfterClose
    >
      <div ref={body}>
        <ErrorAlert error={props.error} />
        <Form<T>
          form={form}
          name={props.name}
          layout="vertical"
          initialValues={props.initialValues}
          onFinish={props.onSubmit}
          requiredMark="optional"
        >
          {props.children}
          <button type="submit" hidden aria-hidden tabIndex={-1} />
        </Form>
      </div>
    </Modal>
  );
}
